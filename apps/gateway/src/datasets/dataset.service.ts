import { LimitExceededError, ResourceAlreadyExistsError } from '@app/contracts';
import { DatasetRepository } from '@app/database';
import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { DatasetResponse, EmptyResponse, ListDatasetsResponse } from '../common/imm-responses';
import { cursorPart, keysetPage, NextTokenCodec } from '../common/next-token';
import { ResourceLookupService } from '../common/resource-lookup.service';
import { datasetLimitKeys } from '../projects/project.dto';
import { CreateDatasetRequest, ListDatasetsRequest, UpdateDatasetRequest } from './dataset.dto';
import { datasetLimit, toImmDataset, toSubscription } from './dataset.mapper';

const datasetCursor = z.strictObject({ d: cursorPart.name });

@Injectable()
export class DatasetService {
  constructor(
    private readonly datasets: DatasetRepository,
    private readonly lookup: ResourceLookupService,
    private readonly tokens: NextTokenCodec,
  ) {}

  async create(request: CreateDatasetRequest): Promise<DatasetResponse> {
    const project = await this.lookup.project(request.ProjectName);
    const maxDatasets = datasetLimit(project.settings, 'ProjectMaxDatasetCount');
    if (maxDatasets !== undefined && (await this.datasets.countInProject(project.id)) >= maxDatasets) {
      throw new LimitExceededError(
        `The project ${project.name} already has ProjectMaxDatasetCount (${maxDatasets}) datasets.`,
      );
    }
    const settings: Record<string, number | string> = {};
    for (const key of datasetLimitKeys) {
      const value = request[key] ?? project.settings[key];
      if (value !== undefined) settings[key] = value;
    }
    if (request.WorkflowParameters) settings['WorkflowParameters'] = JSON.stringify(request.WorkflowParameters);
    const dataset = await this.datasets.create({
      projectId: project.id,
      name: request.DatasetName,
      description: request.Description ?? '',
      templateId: request.TemplateId ?? project.templateId,
      settings,
      eventSubscription: toSubscription(request.EventSubscription) ?? null,
    });
    if (!dataset)
      throw new ResourceAlreadyExistsError(
        `The dataset ${request.DatasetName} already exists in project ${project.name}.`,
      );
    return { Dataset: toImmDataset(project.name, dataset) };
  }

  async get(projectName: string, datasetName: string, withStatistics = false): Promise<DatasetResponse> {
    const { project, dataset } = await this.lookup.dataset(projectName, datasetName);
    return {
      Dataset: toImmDataset(project.name, dataset, withStatistics ? await this.datasets.counts(dataset.id) : undefined),
    };
  }

  async list(request: ListDatasetsRequest): Promise<ListDatasetsResponse> {
    const project = await this.lookup.project(request.ProjectName);
    const limit = request.MaxResults || 100;
    const cursor = this.tokens.decode(request.NextToken, ['ListDatasets', project.id], datasetCursor);
    const rows = await this.datasets.list(project.id, { prefix: request.Prefix, after: cursor?.d, limit: limit + 1 });
    const { page, continueAfter } = keysetPage(rows, limit);
    return {
      Datasets: page.map((d) => toImmDataset(project.name, d)),
      NextToken: continueAfter ? this.tokens.encode(['ListDatasets', project.id], { d: continueAfter.name }) : '',
    };
  }

  async update(request: UpdateDatasetRequest): Promise<DatasetResponse> {
    const { project, dataset } = await this.lookup.dataset(request.ProjectName, request.DatasetName);
    const settings = { ...dataset.settings };
    for (const key of datasetLimitKeys) {
      const value = request[key];
      if (value !== undefined) settings[key] = value;
    }
    if (request.WorkflowParameters) settings['WorkflowParameters'] = JSON.stringify(request.WorkflowParameters);
    await this.datasets.update(dataset.id, {
      settings,
      ...(request.Description !== undefined ? { description: request.Description } : {}),
      ...(request.TemplateId !== undefined ? { templateId: request.TemplateId } : {}),
      ...(request.EventSubscription !== undefined
        ? { eventSubscription: toSubscription(request.EventSubscription) ?? null }
        : {}),
    });
    const updated = await this.lookup.dataset(request.ProjectName, request.DatasetName);
    return { Dataset: toImmDataset(project.name, updated.dataset) };
  }

  async delete(projectName: string, datasetName: string): Promise<EmptyResponse> {
    const { dataset } = await this.lookup.dataset(projectName, datasetName);
    await this.datasets.delete(dataset.id);
    return {};
  }
}
