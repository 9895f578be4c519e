/**
 * The photos of a post, one at a time: a CSS scroll-snap track, so touch swipes are the browser's
 * own scrolling (momentum, edge bounce, no script in the way), plus pointer drag for mice, arrow
 * keys when focused, prev/next buttons and dots labelled "Photo 2 of 3". Every box is sized from
 * its photo's aspect ratio before a byte arrives, so nothing moves when the images load.
 */
import { h } from './dom';
import { photo, type PhotoSource } from './photo';

/** One photo as read paths carry it (`media` of a post). */
export interface MediaLike {
  thumbnailUrl: string | null;
  displayUrl: string | null;
  altText: string | null;
  metadata: { blurhash: string; aspectRatio: number } | null;
}

export interface CarouselOptions {
  /** The alt text of the photo at this index when it has no description of its own. */
  fallbackAlt: (index: number) => string;
  label: string;
  /** Where a click on a photo goes (the post page, from the feed). */
  href?: string;
  sizes?: string;
  eager?: boolean;
}

// A frame taller than 4:5 would push the rest of the card off a phone's screen; such photos are
// shown whole inside it instead.
const tallestFrame = 0.8;
const widestFrame = 1.91;

function sourceOf(item: MediaLike, alt: string, sizes: string | undefined, eager: boolean): PhotoSource {
  return {
    src: item.displayUrl,
    srcset: item.thumbnailUrl && item.displayUrl ? `${item.thumbnailUrl} 320w, ${item.displayUrl} 1080w` : undefined,
    sizes,
    alt,
    blurhash: item.metadata?.blurhash,
    aspectRatio: item.metadata?.aspectRatio,
    eager,
  };
}

const ratioOf = (item: MediaLike) => ((item.metadata?.aspectRatio ?? 0) > 0 ? (item.metadata?.aspectRatio ?? 1) : 1);

function linked(content: HTMLElement, href: string | undefined): HTMLElement {
  return href ? h('a', { href, class: 'photo-link', draggable: 'false' }, content) : content;
}

/** The carousel of a post with several photos (one-photo posts keep their plain photo). */
export function carousel(media: MediaLike[], options: CarouselOptions): HTMLElement {
  const altOf = (item: MediaLike, index: number) => item.altText || options.fallbackAlt(index);
  const count = media.length;
  const label = (i: number) => `Photo ${i + 1} of ${count}`;
  const frameRatio = Math.min(widestFrame, Math.max(tallestFrame, Math.min(...media.map(ratioOf))));

  const slides = media.map((item, i) => {
    const image = photo(sourceOf(item, altOf(item, i), options.sizes, (options.eager ?? false) && i === 0));
    // Fit the photo's own box inside the frame: full width when it is wider than the frame, else full height.
    if (ratioOf(item) >= frameRatio) image.style.width = '100%';
    else image.classList.add('fit-height');
    return h(
      'div',
      { class: 'carousel-slide', role: 'group', 'aria-roledescription': 'slide', 'aria-label': label(i) },
      linked(image, options.href),
    );
  });
  const track = h('div', { class: 'carousel-track' }, slides);
  track.style.aspectRatio = String(frameRatio);

  const dots = media.map((_, i) =>
    h('button', { type: 'button', class: 'carousel-dot', 'aria-label': label(i), onclick: () => go(i) }),
  );
  const previous = h(
    'button',
    {
      type: 'button',
      class: 'carousel-button previous',
      'aria-label': 'Previous photo',
      onclick: () => go(current - 1),
    },
    '‹',
  );
  const next = h(
    'button',
    { type: 'button', class: 'carousel-button next', 'aria-label': 'Next photo', onclick: () => go(current + 1) },
    '›',
  );
  const counter = h('span', { class: 'carousel-counter', 'aria-hidden': 'true' });
  const root = h(
    'div',
    {
      class: 'carousel',
      role: 'region',
      'aria-roledescription': 'carousel',
      'aria-label': options.label,
      tabindex: 0,
    },
    track,
    previous,
    next,
    counter,
    h('div', { class: 'carousel-dots' }, dots),
  );

  let current = -1;
  const show = (index: number) => {
    if (index === current) return;
    current = index;
    slides.forEach((slide, i) => (slide.inert = i !== index));
    dots.forEach((dot, i) =>
      i === index ? dot.setAttribute('aria-current', 'true') : dot.removeAttribute('aria-current'),
    );
    previous.disabled = index === 0;
    next.disabled = index === count - 1;
    counter.textContent = `${index + 1} / ${count}`;
    root.dataset.index = String(index);
  };
  const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)');
  function go(index: number): void {
    const target = Math.max(0, Math.min(count - 1, index));
    track.scrollTo({ left: target * track.clientWidth, behavior: reducedMotion.matches ? 'instant' : 'smooth' });
    show(target);
  }
  const indexInView = () => Math.max(0, Math.min(count - 1, Math.round(track.scrollLeft / (track.clientWidth || 1))));
  track.addEventListener('scroll', () => dragging || show(indexInView()), { passive: true });

  root.addEventListener('keydown', (event) => {
    const to = { ArrowLeft: current - 1, ArrowRight: current + 1, Home: 0, End: count - 1 }[event.key];
    if (to === undefined || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    go(to);
  });

  // Mice cannot swipe a scroll-snap track; a drag does the same (touch keeps native scrolling).
  let dragging = false;
  let moved = false;
  let startX = 0;
  let startScroll = 0;
  track.addEventListener('pointerdown', (event) => {
    moved = false;
    if (event.pointerType !== 'mouse' || event.button !== 0) return;
    dragging = true;
    startX = event.clientX;
    startScroll = track.scrollLeft;
    track.setPointerCapture(event.pointerId);
  });
  track.addEventListener('pointermove', (event) => {
    if (!dragging) return;
    const dx = event.clientX - startX;
    if (Math.abs(dx) > 5 && !moved) {
      moved = true;
      track.classList.add('dragging');
    }
    if (moved) track.scrollLeft = startScroll - dx;
  });
  const endDrag = (event: PointerEvent) => {
    if (!dragging) return;
    dragging = false;
    track.classList.remove('dragging');
    if (!moved) return;
    const dx = event.clientX - startX;
    const threshold = track.clientWidth * 0.15;
    go(dx < -threshold ? current + 1 : dx > threshold ? current - 1 : current);
  };
  track.addEventListener('pointerup', endDrag);
  track.addEventListener('pointercancel', endDrag);
  // A drag that ends over a photo link must not also open the post.
  track.addEventListener('click', (event) => moved && event.preventDefault(), true);
  track.addEventListener('dragstart', (event) => event.preventDefault());

  show(0);
  return root;
}
