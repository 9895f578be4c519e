import type { MediaSummary } from '../../../db/queries/media';
import type { PostWithAuthor } from '../../../db/queries/posts';
import type { PostPrivacy } from '../../../db/schema';
import { toPublicId } from '../../../shared/ids';
import type { ImageUrlSigner } from '../../image-urls';

const noUrls = { imageUrl: null, displayUrl: null, thumbnailUrl: null };

/** A photo's three URLs; a photo not yet in a post is as private as can be. */
export async function variantUrls(urls: ImageUrlSigner, imageName: string, privacy: PostPrivacy) {
  const [imageUrl, displayUrl, thumbnailUrl] = await Promise.all([
    urls.urlFor(imageName, privacy, 'original'),
    urls.urlFor(imageName, privacy, 'display'),
    urls.urlFor(imageName, privacy, 'thumbnail'),
  ]);
  return { imageUrl, displayUrl, thumbnailUrl };
}

/** The contract's `metadata` of a ready photo, else null. */
export function photoMetadata(photo: MediaSummary) {
  if (photo.status !== 'ready' || !photo.metadata || !photo.width || !photo.height) return null;
  return {
    width: photo.width,
    height: photo.height,
    fileSize: photo.fileSize,
    format: photo.format,
    camera: photo.metadata.camera,
    exposure: photo.metadata.exposure,
    blurhash: photo.metadata.blurhash,
    aspectRatio: aspectRatioOf(photo) ?? 1,
  };
}

export function aspectRatioOf(photo: Pick<MediaSummary, 'width' | 'height'> | undefined): number | null {
  return photo?.width && photo.height ? Number((photo.width / photo.height).toFixed(4)) : null;
}

/**
 * One photo of a post as every read path shows it. URLs only once it can be served (`showUrls`:
 * the post is ready, and so is the photo).
 */
export async function mediaItem(urls: ImageUrlSigner, photo: MediaSummary, privacy: PostPrivacy, showUrls: boolean) {
  return {
    mediaId: toPublicId('media', photo.id),
    ...(showUrls && photo.status === 'ready' ? await variantUrls(urls, photo.imageName, privacy) : noUrls),
    altText: photo.altText,
    metadata: photoMetadata(photo),
  };
}

export async function postDetail(urls: ImageUrlSigner, post: PostWithAuthor, viewerIsAuthor: boolean) {
  const ready = post.status === 'ready';
  const location =
    post.latitude !== null && post.longitude !== null
      ? { latitude: Number(post.latitude), longitude: Number(post.longitude), name: post.locationName }
      : null;
  const media = await Promise.all(post.media.map((photo) => mediaItem(urls, photo, post.privacy, ready)));
  const first = media[0];
  return {
    postId: toPublicId('post', post.id),
    userId: toPublicId('user', post.userId),
    username: post.username,
    imageUrl: first?.imageUrl ?? null,
    displayUrl: first?.displayUrl ?? null,
    thumbnailUrl: first?.thumbnailUrl ?? null,
    caption: post.caption,
    altText: first?.altText ?? null,
    tags: post.tags,
    location,
    privacy: post.privacy,
    processingStatus: post.status,
    ...(viewerIsAuthor && post.status === 'failed' ? { failureReason: post.failureReason } : {}),
    likesCount: post.likesCount,
    commentsCount: post.commentsCount,
    isLiked: post.isLiked,
    createdAt: post.createdAt.toISOString(),
    metadata: ready ? (first?.metadata ?? null) : null,
    media,
    mediaCount: media.length,
  };
}
