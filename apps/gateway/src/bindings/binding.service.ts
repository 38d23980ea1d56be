import {
  addJob,
  DomainError,
  ErrorCode,
  InvalidArgumentError,
  jobId,
  JobName,
  LimitExceededError,
  parseStorageUri,
  QueueName,
  ResourceAlreadyExistsError,
  ResourceNotFoundError,
  ScanBindingJob,
  ScanQueue,
} from '@app/contracts';
import { BindingRepository, DatasetRepository } from '@app/database';
import { StorageRepository } from '@app/storage';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { z } from 'zod';
import { decodeNextToken, encodeNextToken, keysetPage } from '../common/next-token';
import { ResourceLookupService } from '../common/resource-lookup.service';
import { datasetLimit } from '../datasets/dataset.mapper';
import { FileService } from '../files/file.service';
import { ListBindingsRequest } from './binding.dto';
import { toImmBinding } from './binding.mapper';

const bindingCursor = z.strictObject({ u: z.string().min(1).max(1100) });

@Injectable()
export class BindingService {
  constructor(
    private readonly lookup: ResourceLookupService,
    private readonly bindings: BindingRepository,
    private readonly datasets: DatasetRepository,
    private readonly storage: StorageRepository,
    private readonly files: FileService,
    @InjectQueue(QueueName.Scan) private readonly scanQueue: Queue<ScanBindingJob>,
  ) {}

  /** CreateBinding: records the binding and enqueues its one full scan; then bucket notifications keep it current. */
  async create(projectName: string, datasetName: string, uri: string): Promise<Record<string, unknown>> {
    const { project, dataset } = await this.lookup.dataset(projectName, datasetName);
    const parsed = parseStorageUri(uri)!;
    const maxBindings = datasetLimit(dataset.settings, 'DatasetMaxBindCount') ?? 10;
    if ((await this.datasets.counts(dataset.id)).bindCount >= maxBindings) {
      throw new LimitExceededError(
        `The dataset ${dataset.name} already has DatasetMaxBindCount (${maxBindings}) bindings.`,
      );
    }
    if (!(await this.bucketExists(parsed.bucket))) {
      throw new InvalidArgumentError(`The bucket ${parsed.bucket} of URI ${uri} does not exist.`, 'InvalidURI');
    }
    const binding = await this.bindings.create({
      datasetId: dataset.id,
      uri,
      bucket: parsed.bucket,
      prefix: parsed.key,
    });
    if (!binding) throw new ResourceAlreadyExistsError(`The binding ${uri} already exists in dataset ${dataset.name}.`);
    await addJob(this.scanQueue, ScanQueue, { name: JobName.ScanBinding, bindingId: binding.id });
    return { Binding: toImmBinding(binding, { projectName: project.name, datasetName: dataset.name }) };
  }

  async get(projectName: string, datasetName: string, uri: string): Promise<Record<string, unknown>> {
    const { project, dataset } = await this.lookup.dataset(projectName, datasetName);
    const binding = await this.bindings.findByUri(dataset.id, uri);
    if (!binding) throw new ResourceNotFoundError(`The binding ${uri} does not exist in dataset ${dataset.name}.`);
    return { Binding: toImmBinding(binding, { projectName: project.name, datasetName: dataset.name }) };
  }

  async list(request: ListBindingsRequest): Promise<Record<string, unknown>> {
    const { project, dataset } = await this.lookup.dataset(request.ProjectName, request.DatasetName);
    const limit = request.MaxResults || 100;
    const cursor = decodeNextToken(request.NextToken, bindingCursor);
    const rows = await this.bindings.list(dataset.id, { after: cursor?.u, limit: limit + 1 });
    const { page, continueAfter } = keysetPage(rows, limit);
    return {
      Bindings: page.map((b) => toImmBinding(b, { projectName: project.name, datasetName: dataset.name })),
      NextToken: continueAfter ? encodeNextToken({ u: continueAfter.uri }) : '',
    };
  }

  /** DeleteBinding: stops following the prefix; with Cleanup, also deletes the files it indexed. */
  async delete(
    projectName: string,
    datasetName: string,
    uri: string,
    cleanup = false,
  ): Promise<Record<string, unknown>> {
    const { dataset } = await this.lookup.dataset(projectName, datasetName);
    const binding = await this.bindings.findByUri(dataset.id, uri);
    if (!binding) throw new ResourceNotFoundError(`The binding ${uri} does not exist in dataset ${dataset.name}.`);
    await this.bindings.delete(binding.id);
    await this.scanQueue.remove(jobId.scanBinding(binding.id)).catch(() => 0);
    if (cleanup) await this.files.deleteUnderPrefix(dataset.id, binding.uri);
    return {};
  }

  private async bucketExists(bucket: string): Promise<boolean> {
    try {
      return await this.storage.bucketExists(bucket);
    } catch {
      throw new DomainError(ErrorCode.ServiceUnavailable, 'The object store is not reachable; try again later.');
    }
  }
}
