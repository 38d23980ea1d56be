import { FaceQueryTimings } from '@app/contracts';
import { Body, Controller, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { ImmOperation } from '../common/imm-operation.decorator';
import { requestIdOf } from '../common/request-context';
import { ZodBody } from '../common/zod-body.pipe';
import {
  compareImageFacesSchema,
  createFacesSearchingTaskSchema,
  detectImageFacesSchema,
  getFacesSearchingResultSchema,
  searchImageFigureClusterSchema,
} from './faces.dto';
import { FacesService, WithTimings } from './faces.service';

/** The stages of a face query in a standard `Server-Timing` header (fetch, decode, inference, search; ms). */
export function serverTiming(timings: FaceQueryTimings): string {
  return (Object.entries(timings) as Array<[string, number]>)
    .map(([stage, ms]) => `${stage};dur=${ms.toFixed(1)}`)
    .join(', ');
}

@ApiTags('Faces')
@Controller('api/v1')
export class FacesController {
  constructor(private readonly faces: FacesService) {}

  @ImmOperation('DetectImageFaces', detectImageFacesSchema, 'Detect the faces of one image, without indexing it')
  async detect(
    @Body(new ZodBody(detectImageFacesSchema)) body: z.infer<typeof detectImageFacesSchema>,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.timed(res, await this.faces.detect(body.ProjectName, body.SourceURI));
  }

  @ImmOperation('CompareImageFaces', compareImageFacesSchema, 'Similarity (0..1) of the largest faces of two images')
  async compare(
    @Body(new ZodBody(compareImageFacesSchema)) body: z.infer<typeof compareImageFacesSchema>,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.timed(res, await this.faces.compare(body.ProjectName, body.Source.URI1, body.Source.URI2));
  }

  @ImmOperation(
    'SearchImageFigureCluster',
    searchImageFigureClusterSchema,
    'For every face of an image, the clusters of the dataset it matches (the image is not indexed)',
  )
  async search(
    @Body(new ZodBody(searchImageFigureClusterSchema)) body: z.infer<typeof searchImageFigureClusterSchema>,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.timed(res, await this.faces.search(body.ProjectName, body.DatasetName, body.SourceURI));
  }

  @ImmOperation(
    'CreateFacesSearchingTask',
    createFacesSearchingTaskSchema,
    'Most similar faces of a dataset for the largest face of each image (asynchronous; result by Notification)',
  )
  createTask(
    @Body(new ZodBody(createFacesSearchingTaskSchema)) body: z.infer<typeof createFacesSearchingTaskSchema>,
    @Req() req: unknown,
  ) {
    return this.faces.createTask(body, requestIdOf(req));
  }

  @ImmOperation(
    'GetFacesSearchingResult',
    getFacesSearchingResultSchema,
    'Extension (not in IMM): the result of a CreateFacesSearchingTask, as its notification carried it',
  )
  result(@Body(new ZodBody(getFacesSearchingResultSchema)) body: z.infer<typeof getFacesSearchingResultSchema>) {
    return this.faces.result(body.ProjectName, body.TaskId);
  }

  private timed(res: Response, result: WithTimings): Record<string, unknown> {
    res.setHeader('Server-Timing', serverTiming(result.timings));
    return result.body;
  }
}
