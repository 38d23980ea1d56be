import { Body, Controller, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ImmOperation } from '../common/imm-operation.decorator';
import { BatchGetFileMetaResponse, EmptyResponse, GetFileMetaResponse, ImmTaskStarted } from '../common/imm-responses';
import { requestIdOf } from '../common/request-context';
import { ZodBody } from '../common/zod-body.pipe';
import {
  batchDeleteFileMetaSchema,
  batchGetFileMetaSchema,
  batchIndexFileMetaSchema,
  deleteFileMetaSchema,
  getFileMetaSchema,
  indexFileMetaSchema,
} from './file.dto';
import { FileService } from './file.service';

@ApiTags('Files')
@Controller('api/v1')
export class FileController {
  constructor(private readonly files: FileService) {}

  @ImmOperation(
    'IndexFileMeta',
    indexFileMetaSchema,
    'Index one file (asynchronous; returns EventId and TaskId)',
    ImmTaskStarted,
  )
  index(@Body(new ZodBody(indexFileMetaSchema)) body: z.infer<typeof indexFileMetaSchema>, @Req() req: unknown) {
    const { File, ...rest } = body;
    return this.files.index({ ...rest, Files: [File] }, requestIdOf(req));
  }

  @ImmOperation('BatchIndexFileMeta', batchIndexFileMetaSchema, 'Index up to 100 files (asynchronous)', ImmTaskStarted)
  batchIndex(
    @Body(new ZodBody(batchIndexFileMetaSchema)) body: z.infer<typeof batchIndexFileMetaSchema>,
    @Req() req: unknown,
  ) {
    return this.files.index(body, requestIdOf(req));
  }

  @ImmOperation('GetFileMeta', getFileMetaSchema, 'Get one file with its Figures', GetFileMetaResponse)
  get(@Body(new ZodBody(getFileMetaSchema)) body: z.infer<typeof getFileMetaSchema>) {
    return this.files.get(body.ProjectName, body.DatasetName, body.URI, body.WithFields);
  }

  @ImmOperation(
    'BatchGetFileMeta',
    batchGetFileMetaSchema,
    'Get up to 100 files with their Figures',
    BatchGetFileMetaResponse,
  )
  batchGet(@Body(new ZodBody(batchGetFileMetaSchema)) body: z.infer<typeof batchGetFileMetaSchema>) {
    return this.files.batchGet(body.ProjectName, body.DatasetName, body.URIs, body.WithFields);
  }

  @ImmOperation('DeleteFileMeta', deleteFileMetaSchema, 'Delete one file and its figures', EmptyResponse)
  delete(@Body(new ZodBody(deleteFileMetaSchema)) body: z.infer<typeof deleteFileMetaSchema>) {
    return this.files.delete(body.ProjectName, body.DatasetName, [body.URI]);
  }

  @ImmOperation(
    'BatchDeleteFileMeta',
    batchDeleteFileMetaSchema,
    'Delete up to 100 files and their figures',
    EmptyResponse,
  )
  batchDelete(@Body(new ZodBody(batchDeleteFileMetaSchema)) body: z.infer<typeof batchDeleteFileMetaSchema>) {
    return this.files.delete(body.ProjectName, body.DatasetName, body.URIs);
  }
}
