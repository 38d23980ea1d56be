import { DomainError, ErrorCode } from '@app/contracts';

/** The object or its bucket does not exist: retrying cannot help. */
export class ObjectNotFoundError extends DomainError {
  constructor(bucket: string, key: string, what: 'object' | 'bucket' = 'object') {
    super(
      what === 'bucket' ? 'ResourceNotFound.Bucket' : 'ResourceNotFound.Object',
      what === 'bucket' ? `The bucket ${bucket} does not exist.` : `The object oss://${bucket}/${key} does not exist.`,
      ErrorCode.ResourceNotFound,
    );
  }
}

/** The object is larger than the configured limit. */
export class ObjectTooLargeError extends DomainError {
  constructor(bucket: string, key: string, size: number, limit: number) {
    super(
      'InvalidImage.TooLarge',
      `The object oss://${bucket}/${key} is ${size} bytes; the limit is ${limit} bytes.`,
      ErrorCode.InvalidImage,
    );
  }
}
