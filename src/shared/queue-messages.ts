/** Messages carry ids only: the consumer re-reads the row, so a stale or repeated message is harmless. */
export type ImageJob =
  | { kind: 'process-media'; mediaId: string }
  /** Queued before photos had rows of their own: every photo of the post still processing. */
  | { kind: 'process-post'; postId: string };
