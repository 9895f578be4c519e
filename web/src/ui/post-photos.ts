import { carousel, type MediaLike } from './carousel';
import { h } from './dom';
import { photo } from './photo';

interface PostLike {
  username: string;
  displayUrl: string | null;
  processingStatus: 'processing' | 'ready' | 'failed';
  failureReason?: string | null;
  metadata: { blurhash: string; aspectRatio: number } | null;
  media: MediaLike[];
  mediaCount: number;
}

/** A post's photos at full width (post page, the composer's result): one photo, a carousel, or its state. */
export function postPhotos(post: PostLike, alt: string): HTMLElement {
  if (post.processingStatus === 'ready' && post.mediaCount > 1)
    return carousel(post.media, {
      fallbackAlt: (i) => `Photo ${i + 1} by ${post.username}`,
      label: `${post.mediaCount} photos by ${post.username}`,
      sizes: '(max-width: 900px) 100vw, 660px',
      eager: true,
    });
  if (post.processingStatus === 'ready')
    return photo({
      src: post.displayUrl,
      alt,
      blurhash: post.metadata?.blurhash,
      aspectRatio: post.metadata?.aspectRatio,
      eager: true,
    });
  return h(
    'div',
    { class: 'photo processing' },
    h(
      'p',
      {},
      post.processingStatus === 'processing'
        ? 'Still processing…'
        : `Could not process this photo${post.failureReason ? `: ${post.failureReason}` : ''}.`,
    ),
  );
}
