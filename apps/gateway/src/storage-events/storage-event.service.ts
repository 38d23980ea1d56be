import { InvalidArgumentError, parseStorageUri } from '@app/contracts';
import { BindingRepository } from '@app/database';
import { Injectable } from '@nestjs/common';
import { FileIndexingService } from '../files/file-indexing.service';
import { FileService } from '../files/file.service';
import { objectChanges, StorageEventRequest } from './storage-event.dto';

/** Bucket notifications: index created objects / remove deleted ones in every dataset bound to their prefix. */
@Injectable()
export class StorageEventService {
  constructor(
    private readonly bindings: BindingRepository,
    private readonly indexing: FileIndexingService,
    private readonly files: FileService,
  ) {}

  async handle(request: StorageEventRequest): Promise<Record<string, unknown>> {
    const { changes, invalid } = objectChanges(request);
    if (invalid.length > 0)
      throw new InvalidArgumentError(`The parameter ${invalid[0]} is not a valid URL-encoded key.`, 'InvalidKey');
    let indexed = 0;
    let removed = 0;
    for (const change of changes) {
      const bindings = await this.bindings.findMatching(change.bucket, change.key);
      for (const binding of bindings) {
        const scheme = binding.uri.startsWith('s3://') ? 's3' : 'oss';
        const uri = `${scheme}://${change.bucket}/${change.key}`;
        if (!parseStorageUri(uri)) continue;
        if (change.kind === 'created') {
          const files = await this.indexing.recordPending(binding.datasetId, [{ URI: uri }]);
          await this.indexing.enqueue(files);
          indexed += files.length;
        } else {
          removed += await this.files.deleteInDataset(binding.datasetId, [uri]);
        }
      }
    }
    return { Indexed: indexed, Removed: removed };
  }
}
