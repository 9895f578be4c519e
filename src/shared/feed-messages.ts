/**
 * Fan-out of a ready post, in two kinds of bounded messages. A `fan-out` message plans one page of
 * the author's followers (keyset-paged) and queues `deliver` messages for it, which the queue then
 * runs in parallel; the last follower of the page is where the next `fan-out` message starts.
 */
export type FeedJob =
  | {
      kind: 'fan-out';
      postId: string;
      /** Where the previous page stopped in the author's followers; absent for the first page. */
      after?: { t: string; id: string };
    }
  | {
      kind: 'deliver';
      entry: { postId: string; authorId: string; t: string };
      followerIds: string[];
    };

export type FanOutJob =
  | FeedJob
  /**
   * A photo finished processing (and, if `postSettled`, its post became ready or failed): its
   * uploader's open streams are told. It rides this queue because the API Worker, which consumes
   * it, holds the WebSockets' Durable Objects; the processor does not.
   */
  | { kind: 'media-updated'; mediaId: string; postSettled: boolean };
