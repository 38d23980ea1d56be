import { Body, Controller, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ImmOperation } from '../common/imm-operation.decorator';
import {
  BatchGetFigureClusterResponse,
  EmptyResponse,
  GetFigureClusterResponse,
  ImmTaskStarted,
  QueryFigureClustersResponse,
} from '../common/imm-responses';
import { requestIdOf } from '../common/request-context';
import { ZodBody } from '../common/zod-body.pipe';
import {
  batchGetFigureClusterSchema,
  createFigureClusteringTaskSchema,
  getFigureClusterSchema,
  queryFigureClustersSchema,
  updateFigureClusterSchema,
} from './figure-cluster.dto';
import { FigureClusterService } from './figure-cluster.service';

@ApiTags('Face clustering')
@Controller('api/v1')
export class FigureClusterController {
  constructor(private readonly clusters: FigureClusterService) {}

  @ImmOperation(
    'CreateFigureClusteringTask',
    createFigureClusteringTaskSchema,
    'Cluster the new faces of a dataset (asynchronous)',
    ImmTaskStarted,
  )
  createTask(
    @Body(new ZodBody(createFigureClusteringTaskSchema)) body: z.infer<typeof createFigureClusteringTaskSchema>,
    @Req() req: unknown,
  ) {
    return this.clusters.createTask(body, requestIdOf(req));
  }

  @ImmOperation(
    'QueryFigureClusters',
    queryFigureClustersSchema,
    'List the figure clusters (people) of a dataset',
    QueryFigureClustersResponse,
  )
  query(@Body(new ZodBody(queryFigureClustersSchema)) body: z.infer<typeof queryFigureClustersSchema>) {
    return this.clusters.query(body);
  }

  @ImmOperation('GetFigureCluster', getFigureClusterSchema, 'Get one figure cluster', GetFigureClusterResponse)
  get(@Body(new ZodBody(getFigureClusterSchema)) body: z.infer<typeof getFigureClusterSchema>) {
    return this.clusters.get(body.ProjectName, body.DatasetName, body.ObjectId);
  }

  @ImmOperation(
    'BatchGetFigureCluster',
    batchGetFigureClusterSchema,
    'Get up to 100 figure clusters',
    BatchGetFigureClusterResponse,
  )
  batchGet(@Body(new ZodBody(batchGetFigureClusterSchema)) body: z.infer<typeof batchGetFigureClusterSchema>) {
    return this.clusters.batchGet(body.ProjectName, body.DatasetName, body.ObjectIds);
  }

  @ImmOperation(
    'UpdateFigureCluster',
    updateFigureClusterSchema,
    'Rename or relabel a figure cluster (MetaLockVersion = optimistic lock)',
    EmptyResponse,
  )
  update(@Body(new ZodBody(updateFigureClusterSchema)) body: z.infer<typeof updateFigureClusterSchema>) {
    return this.clusters.update(body);
  }
}
