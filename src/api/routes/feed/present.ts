import type { FeedPost } from '../../../db/queries/feed';
import type { PostStatus } from '../../../db/schema';
import { toPublicId } from '../../../shared/ids';
import type { ImageUrlSigner } from '../../image-urls';
import { aspectRatioOf, mediaItem } from '../images/present';

/**
 * A post as feeds, grids and explore show it: `imageUrl` is the first photo's thumbnail, as in
 * the seed; `media` has every photo. URLs only for a ready post (the author's grid shows others).
 */
async function listItem(urls: ImageUrlSigner, post: FeedPost, ready: boolean) {
  const first = post.media[0];
  const media = await Promise.all(post.media.map((photo) => mediaItem(urls, photo, post.privacy, ready)));
  return {
    postId: toPublicId('post', post.id),
    userId: toPublicId('user', post.userId),
    username: post.username,
    avatar: post.avatarUrl,
    imageUrl: media[0]?.thumbnailUrl ?? null,
    displayUrl: media[0]?.displayUrl ?? null,
    caption: post.caption,
    altText: first?.altText ?? null,
    tags: post.tags,
    privacy: post.privacy,
    likesCount: post.likesCount,
    commentsCount: post.commentsCount,
    isLiked: post.isLiked,
    blurhash: first?.metadata?.blurhash ?? null,
    aspectRatio: aspectRatioOf(first),
    createdAt: post.createdAt.toISOString(),
    media,
    mediaCount: media.length,
  };
}

/** A ready post in a feed, explore or search: a ready post's photos are all ready, so it has URLs. */
export async function feedItem(urls: ImageUrlSigner, post: FeedPost) {
  const item = await listItem(urls, post, true);
  const { imageUrl, displayUrl } = item;
  if (imageUrl === null || displayUrl === null) throw new Error(`ready post ${post.id} has a photo that is not ready`);
  return { ...item, imageUrl, displayUrl };
}

/** A post in a profile grid: the author's own grid shows posts still processing or failed, without URLs. */
export async function gridItem(urls: ImageUrlSigner, post: FeedPost & { status: PostStatus }) {
  return { ...(await listItem(urls, post, post.status === 'ready')), processingStatus: post.status };
}
