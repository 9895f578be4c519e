import type { PostPrivacy, PostStatus } from '../db/schema';

/** How the viewer stands to a post's author: the only facts privacy depends on. */
export interface Audience {
  isAuthor: boolean;
  followsAuthor: boolean;
}

/**
 * Who may see a post. Processing and failed posts are visible to their author only; a viewer who
 * may not see a post gets a 404 everywhere, never a 403, so its existence does not leak.
 */
export function canSeePost(post: { privacy: PostPrivacy; status: PostStatus }, audience: Audience): boolean {
  if (audience.isAuthor) return true;
  if (post.status !== 'ready') return false;
  if (post.privacy === 'public') return true;
  return post.privacy === 'followers' && audience.followsAuthor;
}
