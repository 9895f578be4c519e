/**
 * What happened in the social graph, as the notifications consumer learns it. Ids only (UUIDs as
 * stored); the consumer re-reads what it needs. The undo kinds withdraw what the others created.
 */
export type SocialEvent =
  | { kind: 'like' | 'unlike'; actorId: string; recipientId: string; postId: string }
  | { kind: 'comment' | 'uncomment'; actorId: string; recipientId: string; postId: string; commentId: string }
  | { kind: 'follow' | 'unfollow'; actorId: string; recipientId: string };
