import { DomainError, ErrorCode } from '@app/contracts';

/** IMM-style codes for images the pipeline refuses. None of them can be fixed by retrying. */
export type ImageRejectedCode =
  'InvalidImage.Empty' | 'InvalidImage.Corrupt' | 'InvalidImage.UnsupportedFormat' | 'InvalidImage.TooLarge';

/** Thrown by the image decoder for input that is not a usable image; never retryable (see ErrorCodeTable). */
export class ImageRejectedError extends DomainError {
  constructor(
    override readonly code: ImageRejectedCode,
    message: string,
  ) {
    super(code, message, ErrorCode.InvalidImage);
    this.name = 'ImageRejectedError';
  }
}
