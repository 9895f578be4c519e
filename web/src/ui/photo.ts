import { paintBlurhash } from './blurhash';
import { h } from './dom';

export interface PhotoSource {
  src: string | null;
  /** The thumbnail and display sizes, so phones and desktops each fetch what they need. */
  srcset?: string;
  sizes?: string;
  alt: string;
  blurhash?: string | null;
  aspectRatio?: number | null;
  /** The first screenful loads eagerly; the rest only as they come near. */
  eager?: boolean;
}

/**
 * A photo whose box is sized from its aspect ratio before any byte arrives (no layout shift), with
 * the BlurHash painted underneath until the image has decoded.
 */
export function photo({ src, srcset, sizes, alt, blurhash, aspectRatio, eager = false }: PhotoSource): HTMLElement {
  const frame = h('div', { class: 'photo' });
  frame.style.aspectRatio = String(aspectRatio && aspectRatio > 0 ? aspectRatio : 1);
  const placeholder = h('canvas', { class: 'placeholder', 'aria-hidden': 'true' });
  if (blurhash && paintBlurhash(blurhash, placeholder)) frame.appendChild(placeholder);
  if (!src) return frame;
  const image = h('img', { src, srcset, sizes, alt, loading: eager ? 'eager' : 'lazy', decoding: 'async' });
  const reveal = () => {
    frame.classList.add('loaded');
    setTimeout(() => placeholder.remove(), 400);
  };
  image.addEventListener('load', reveal, { once: true });
  image.addEventListener('error', () => frame.classList.add('broken'), { once: true });
  frame.appendChild(image);
  if (image.complete && image.naturalWidth > 0) reveal();
  return frame;
}

export function avatar(url: string | null, username: string, size: 'small' | 'large' = 'small'): HTMLElement {
  if (url) return h('img', { class: `avatar ${size}`, src: url, alt: '', loading: 'lazy' });
  // No upload yet: the initial on a colour derived from the name, so people stay recognisable.
  let hue = 0;
  for (const char of username) hue = (hue * 31 + char.charCodeAt(0)) % 360;
  const initial = h(
    'span',
    { class: `avatar ${size} initial`, 'aria-hidden': 'true' },
    (username[0] ?? '?').toUpperCase(),
  );
  initial.style.backgroundColor = `hsl(${hue} 55% 45%)`;
  return initial;
}
