/** Messages carry ids only: the consumer re-reads the row, so a stale or repeated message is harmless. */
export interface ImageJob {
  kind: 'process-post';
  postId: string;
}
