/**
 * Messages carry ids (and names that never change): the consumer re-reads the row, so a stale or
 * repeated message is harmless.
 */
export type ImageJob =
  | {
      kind: 'process-media';
      mediaId: string;
      /** The photo's uploaded file in R2 (it never moves), so it is read beside the row, not after it. */
      originalKey?: string;
    }
  /** Queued before photos had rows of their own: every photo of the post still processing. */
  | { kind: 'process-post'; postId: string };
