import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * The IMM response bodies, as classes: the handlers' return types and the OpenAPI document's response schemas
 * (fields as in IMM's SDK models, imm-20200930). Every body also carries RequestId (added by an interceptor).
 */

export class ImmTag {
  @ApiProperty() TagKey!: string;
  @ApiProperty() TagValue!: string;
}

export class ImmBoundary {
  @ApiProperty() Left!: number;
  @ApiProperty() Top!: number;
  @ApiProperty() Width!: number;
  @ApiProperty() Height!: number;
}

export class ImmHeadPose {
  @ApiPropertyOptional() Pitch?: number;
  @ApiPropertyOptional() Roll?: number;
  @ApiPropertyOptional() Yaw?: number;
}

export class ImmFigure {
  @ApiProperty() FigureId!: string;
  @ApiProperty({ example: 'face' }) FigureType!: string;
  @ApiProperty({ description: 'Cluster-<uuid>, figure-cluster-id-independent or figure-cluster-id-unavailable' })
  FigureClusterId!: string;
  @ApiPropertyOptional() FigureConfidence?: number;
  @ApiProperty({ type: ImmBoundary }) Boundary!: ImmBoundary;
  @ApiProperty({ type: ImmHeadPose }) HeadPose!: ImmHeadPose;
  @ApiPropertyOptional() FaceQuality?: number;
  @ApiPropertyOptional() Age?: number;
  @ApiPropertyOptional() AgeSD?: number;
  @ApiPropertyOptional() Gender?: string;
  @ApiPropertyOptional() GenderConfidence?: number;
  @ApiPropertyOptional() Emotion?: string;
  @ApiPropertyOptional() EmotionConfidence?: number;
  @ApiPropertyOptional() Mouth?: string;
  @ApiPropertyOptional() MouthConfidence?: number;
  @ApiPropertyOptional() Sharpness?: number;
}

export class ImmFile {
  @ApiPropertyOptional() ProjectName?: string;
  @ApiPropertyOptional() DatasetName?: string;
  @ApiPropertyOptional({ example: 'file' }) ObjectType?: string;
  @ApiPropertyOptional() ObjectId?: string;
  @ApiPropertyOptional() OwnerId?: string;
  @ApiPropertyOptional({ example: 'oss://bucket/photos/a.jpg' }) URI?: string;
  @ApiPropertyOptional() Filename?: string;
  @ApiPropertyOptional() MediaType?: string;
  @ApiPropertyOptional() ContentType?: string;
  @ApiPropertyOptional() FileHash?: string;
  @ApiPropertyOptional({ example: '"5B3C1A2E053D763E1B002CC607C5A0FE"' }) ETag?: string;
  @ApiPropertyOptional() Size?: number;
  @ApiPropertyOptional() CustomId?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  CustomLabels?: Record<string, string>;
  @ApiPropertyOptional() ImageWidth?: number;
  @ApiPropertyOptional() ImageHeight?: number;
  @ApiPropertyOptional({ example: '2026-12-03T14:05:09.123+00:00' }) FileModifiedTime?: string;
  @ApiPropertyOptional() CreateTime?: string;
  @ApiPropertyOptional() UpdateTime?: string;
  @ApiPropertyOptional() FigureCount?: number;
  @ApiPropertyOptional({ type: [ImmFigure] }) Figures?: Array<Partial<ImmFigure>>;
  @ApiPropertyOptional({ enum: ['Pending', 'Indexed', 'Failed'], description: 'facecluster: indexing state' })
  IndexStatus?: string;
  @ApiPropertyOptional({ description: 'facecluster: why indexing failed' })
  IndexError?: { Code: string; Message: string };
}

export class ImmFigureCluster {
  @ApiProperty({ example: 'Cluster-7a1f…' }) ObjectId!: string;
  @ApiProperty({ example: 'figure-cluster' }) ObjectType!: string;
  @ApiProperty() OwnerId!: string;
  @ApiProperty() ProjectName!: string;
  @ApiProperty() DatasetName!: string;
  @ApiPropertyOptional() Name?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  CustomLabels?: Record<string, string>;
  @ApiPropertyOptional() MetaLockVersion?: number;
  @ApiProperty() FaceCount!: number;
  @ApiProperty() ImageCount!: number;
  @ApiProperty() VideoCount!: number;
  @ApiPropertyOptional() Gender?: string;
  @ApiPropertyOptional() AverageAge?: number;
  @ApiPropertyOptional() MinAge?: number;
  @ApiPropertyOptional() MaxAge?: number;
  @ApiPropertyOptional({ type: ImmFile, description: "The cover face's file, that face alone in Figures" })
  Cover?: ImmFile;
  @ApiPropertyOptional() CreateTime?: string;
  @ApiPropertyOptional() UpdateTime?: string;
}

export class ImmTask {
  @ApiProperty() ProjectName!: string;
  @ApiProperty() TaskType!: string;
  @ApiProperty({ example: 'CreateFigureClusteringTask-ba5784b8-f61e-485d-8ea0-0f7c1a2b3c4d' }) TaskId!: string;
  @ApiProperty({ enum: ['Running', 'Succeeded', 'Failed'] }) Status!: string;
  @ApiPropertyOptional() Code?: string;
  @ApiPropertyOptional() Message?: string;
  @ApiPropertyOptional() StartTime?: string;
  @ApiPropertyOptional() EndTime?: string;
  @ApiPropertyOptional() Progress?: number;
  @ApiPropertyOptional() UserData?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } }) Tags?: unknown;
  @ApiPropertyOptional() EventId?: string;
}

/** EventId and TaskId of an asynchronous operation. */
export class ImmTaskStarted {
  @ApiProperty() EventId!: string;
  @ApiProperty() TaskId!: string;
}

export class QueryFigureClustersResponse {
  @ApiProperty({ type: [ImmFigureCluster] }) FigureClusters!: ImmFigureCluster[];
  @ApiProperty() NextToken!: string;
  @ApiProperty() TotalCount!: number;
}

export class GetFigureClusterResponse {
  @ApiProperty({ type: ImmFigureCluster }) FigureCluster!: ImmFigureCluster;
}

export class BatchGetFigureClusterResponse {
  @ApiProperty({ type: [ImmFigureCluster] }) FigureClusters!: ImmFigureCluster[];
}

export class GetFileMetaResponse {
  @ApiProperty({ type: ImmFile, description: 'facecluster: the file' }) File!: Partial<ImmFile>;
  @ApiProperty({ type: [ImmFile], description: "IMM's field: the file as a one-element list" })
  Files!: Array<Partial<ImmFile>>;
}

export class BatchGetFileMetaResponse {
  @ApiProperty({ type: [ImmFile] }) Files!: Array<Partial<ImmFile>>;
}

export class ImmAggregationGroup {
  @ApiProperty() Value!: string;
  @ApiProperty() Count!: number;
}

export class ImmAggregation {
  @ApiProperty() Field!: string;
  @ApiProperty() Operation!: string;
  @ApiPropertyOptional() Value?: number;
  @ApiPropertyOptional({ type: [ImmAggregationGroup] }) Groups?: ImmAggregationGroup[];
}

export class SimpleQueryResponse {
  @ApiProperty({ type: [ImmFile] }) Files!: Array<Partial<ImmFile>>;
  @ApiProperty({ type: [ImmAggregation] }) Aggregations!: ImmAggregation[];
  @ApiProperty() NextToken!: string;
  @ApiPropertyOptional() TotalHits?: number;
}

export class ListTasksResponse {
  @ApiProperty() ProjectName!: string;
  @ApiProperty({ type: [ImmTask] }) Tasks!: ImmTask[];
  @ApiProperty() NextToken!: string;
}

/** Operations that answer only RequestId. */
export class EmptyResponse {}

export class ImmProject {
  @ApiProperty() ProjectName!: string;
  @ApiPropertyOptional() Description?: string;
  @ApiPropertyOptional() ServiceRole?: string;
  @ApiPropertyOptional() TemplateId?: string;
  @ApiPropertyOptional() ProjectMaxDatasetCount?: number;
  @ApiPropertyOptional() DatasetMaxFileCount?: number;
  @ApiPropertyOptional() DatasetMaxTotalFileSize?: number;
  @ApiPropertyOptional() DatasetMaxBindCount?: number;
  @ApiPropertyOptional() DatasetMaxEntityCount?: number;
  @ApiPropertyOptional() DatasetMaxRelationCount?: number;
  @ApiPropertyOptional({ type: [ImmTag] }) Tags?: ImmTag[];
  @ApiPropertyOptional() CreateTime?: string;
  @ApiPropertyOptional() UpdateTime?: string;
  @ApiPropertyOptional({ description: 'With WithStatistics' }) DatasetCount?: number;
  @ApiPropertyOptional({ description: 'With WithStatistics' }) FileCount?: number;
  @ApiPropertyOptional({ description: 'With WithStatistics' }) TotalFileSize?: number;
}

export class ImmDataset {
  @ApiProperty() ProjectName!: string;
  @ApiProperty() DatasetName!: string;
  @ApiPropertyOptional() Description?: string;
  @ApiPropertyOptional() TemplateId?: string;
  @ApiPropertyOptional() DatasetMaxFileCount?: number;
  @ApiPropertyOptional() DatasetMaxTotalFileSize?: number;
  @ApiPropertyOptional() DatasetMaxBindCount?: number;
  @ApiPropertyOptional() DatasetMaxEntityCount?: number;
  @ApiPropertyOptional() DatasetMaxRelationCount?: number;
  @ApiPropertyOptional() CreateTime?: string;
  @ApiPropertyOptional() UpdateTime?: string;
  @ApiPropertyOptional() FileCount?: number;
  @ApiPropertyOptional() TotalFileSize?: number;
  @ApiPropertyOptional() BindCount?: number;
  @ApiPropertyOptional({ description: 'facecluster, with WithStatistics' }) FigureClusterCount?: number;
  @ApiPropertyOptional({ description: 'facecluster, with WithStatistics' }) FigureCount?: number;
  @ApiPropertyOptional({ description: 'facecluster, with WithStatistics' }) PendingFileCount?: number;
  @ApiPropertyOptional({ description: 'facecluster, with WithStatistics' }) FailedFileCount?: number;
}

export class ImmBinding {
  @ApiProperty() ProjectName!: string;
  @ApiProperty() DatasetName!: string;
  @ApiProperty() URI!: string;
  @ApiProperty() State!: string;
  @ApiProperty() Phase!: string;
  @ApiPropertyOptional() Reason?: string;
  @ApiPropertyOptional({ description: 'facecluster' }) ScannedCount?: number;
  @ApiPropertyOptional() CreateTime?: string;
  @ApiPropertyOptional() UpdateTime?: string;
}

export class ProjectResponse {
  @ApiProperty({ type: ImmProject }) Project!: ImmProject;
}

export class ListProjectsResponse {
  @ApiProperty({ type: [ImmProject] }) Projects!: ImmProject[];
  @ApiProperty() NextToken!: string;
}

export class DatasetResponse {
  @ApiProperty({ type: ImmDataset }) Dataset!: ImmDataset;
}

export class ListDatasetsResponse {
  @ApiProperty({ type: [ImmDataset] }) Datasets!: ImmDataset[];
  @ApiProperty() NextToken!: string;
}

export class BindingResponse {
  @ApiProperty({ type: ImmBinding }) Binding!: ImmBinding;
}

export class ListBindingsResponse {
  @ApiProperty({ type: [ImmBinding] }) Bindings!: ImmBinding[];
  @ApiProperty() NextToken!: string;
}
