import { Body, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ImmOperation } from '../common/imm-operation.decorator';
import { DatasetResponse, EmptyResponse, ListDatasetsResponse } from '../common/imm-responses';
import { ZodBody } from '../common/zod-body.pipe';
import {
  createDatasetSchema,
  deleteDatasetSchema,
  getDatasetSchema,
  listDatasetsSchema,
  updateDatasetSchema,
} from './dataset.dto';
import { DatasetService } from './dataset.service';

@ApiTags('Datasets')
@Controller('api/v1')
export class DatasetController {
  constructor(private readonly datasets: DatasetService) {}

  @ImmOperation('CreateDataset', createDatasetSchema, 'Create a dataset in a project', DatasetResponse)
  create(@Body(new ZodBody(createDatasetSchema)) body: z.infer<typeof createDatasetSchema>) {
    return this.datasets.create(body);
  }

  @ImmOperation('GetDataset', getDatasetSchema, 'Get a dataset (WithStatistics adds counts)', DatasetResponse)
  get(@Body(new ZodBody(getDatasetSchema)) body: z.infer<typeof getDatasetSchema>) {
    return this.datasets.get(body.ProjectName, body.DatasetName, body.WithStatistics);
  }

  @ImmOperation('ListDatasets', listDatasetsSchema, 'List the datasets of a project, with paging', ListDatasetsResponse)
  list(@Body(new ZodBody(listDatasetsSchema)) body: z.infer<typeof listDatasetsSchema>) {
    return this.datasets.list(body);
  }

  @ImmOperation('UpdateDataset', updateDatasetSchema, 'Update a dataset description and limits', DatasetResponse)
  update(@Body(new ZodBody(updateDatasetSchema)) body: z.infer<typeof updateDatasetSchema>) {
    return this.datasets.update(body);
  }

  @ImmOperation(
    'DeleteDataset',
    deleteDatasetSchema,
    'Delete a dataset with its files, clusters and bindings',
    EmptyResponse,
  )
  delete(@Body(new ZodBody(deleteDatasetSchema)) body: z.infer<typeof deleteDatasetSchema>) {
    return this.datasets.delete(body.ProjectName, body.DatasetName);
  }
}
