import type { FeedPost } from '../../../db/queries/feed';
import { toPublicId } from '../../../shared/ids';
import type { ImageUrlSigner } from '../../image-urls';

/** A post as feeds, grids and explore show it: `imageUrl` is the thumbnail, as in the seed. */
export async function feedItem(urls: ImageUrlSigner, post: FeedPost) {
  const id = toPublicId('post', post.id);
  const [imageUrl, displayUrl] = await Promise.all([
    urls.urlFor(id, post.privacy, 'thumbnail'),
    urls.urlFor(id, post.privacy, 'display'),
  ]);
  return {
    postId: id,
    userId: toPublicId('user', post.userId),
    username: post.username,
    avatar: post.avatarUrl,
    imageUrl,
    displayUrl,
    caption: post.caption,
    altText: post.altText,
    tags: post.tags,
    privacy: post.privacy,
    likesCount: post.likesCount,
    commentsCount: post.commentsCount,
    isLiked: post.isLiked,
    blurhash: post.metadata?.blurhash ?? null,
    aspectRatio: post.width && post.height ? Number((post.width / post.height).toFixed(4)) : null,
    createdAt: post.createdAt.toISOString(),
  };
}
