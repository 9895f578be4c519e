/**
 * Fan-out of a ready post, in two kinds of bounded messages. A `fan-out` message plans one page of
 * the author's followers (keyset-paged) and queues `deliver` messages for it, which the queue then
 * runs in parallel; the last follower of the page is where the next `fan-out` message starts.
 */
export type FanOutJob =
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
