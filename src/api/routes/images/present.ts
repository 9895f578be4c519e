import type { PostWithAuthor } from '../../../db/queries/posts';
import { toPublicId } from '../../../shared/ids';
import type { ImageUrlSigner } from '../../image-urls';

export async function variantUrls(urls: ImageUrlSigner, post: Pick<PostWithAuthor, 'id' | 'privacy'>) {
  const id = toPublicId('post', post.id);
  const [imageUrl, displayUrl, thumbnailUrl] = await Promise.all([
    urls.urlFor(id, post.privacy, 'original'),
    urls.urlFor(id, post.privacy, 'display'),
    urls.urlFor(id, post.privacy, 'thumbnail'),
  ]);
  return { imageUrl, displayUrl, thumbnailUrl };
}

export async function postDetail(urls: ImageUrlSigner, post: PostWithAuthor, viewerIsAuthor: boolean) {
  const ready = post.status === 'ready';
  const noUrls = { imageUrl: null, displayUrl: null, thumbnailUrl: null };
  const location =
    post.latitude !== null && post.longitude !== null
      ? { latitude: Number(post.latitude), longitude: Number(post.longitude), name: post.locationName }
      : null;
  const metadata =
    ready && post.metadata && post.width && post.height
      ? {
          width: post.width,
          height: post.height,
          fileSize: post.fileSize,
          format: post.format,
          camera: post.metadata.camera,
          exposure: post.metadata.exposure,
          blurhash: post.metadata.blurhash,
          aspectRatio: Number((post.width / post.height).toFixed(4)),
        }
      : null;
  return {
    postId: toPublicId('post', post.id),
    userId: toPublicId('user', post.userId),
    username: post.username,
    ...(ready ? await variantUrls(urls, post) : noUrls),
    caption: post.caption,
    altText: post.altText,
    tags: post.tags,
    location,
    privacy: post.privacy,
    processingStatus: post.status,
    ...(viewerIsAuthor && post.status === 'failed' ? { failureReason: post.failureReason } : {}),
    likesCount: post.likesCount,
    commentsCount: post.commentsCount,
    isLiked: post.isLiked,
    createdAt: post.createdAt.toISOString(),
    metadata,
  };
}
