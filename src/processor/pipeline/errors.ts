/**
 * Why an image cannot be processed. Every one of these is permanent: retrying the same bytes gives
 * the same answer, so the caller marks the post `failed` with the message instead of retrying.
 */
export type UndecodableReason = 'truncated' | 'corrupt' | 'too-many-pixels' | 'format-mismatch';

export class UndecodableImageError extends Error {
  constructor(
    readonly reason: UndecodableReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'UndecodableImageError';
  }
}
