/**
 * A failure that retrying cannot fix (the file is not a decodable image, its original is gone):
 * the post is marked failed at once with this reason, instead of burning the queue's retries.
 * Anything else thrown while processing is treated as transient and retried with backoff.
 */
export class PermanentFailure extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'PermanentFailure';
  }
}
