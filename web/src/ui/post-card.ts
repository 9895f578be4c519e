import type { InferResponseType } from 'hono/client';
import { api, call } from '../api/client';
import { explain } from '../api/errors';
import { currentSession } from '../api/session';
import { navigate } from '../router';
import { formatCount, h, timeAgo } from './dom';
import { icon } from './icons';
import { carousel } from './carousel';
import { avatar, photo } from './photo';
import { toast } from './toast';

export type FeedItem = Extract<
  InferResponseType<typeof api.feed.$get, 200>,
  { success: true }
>['data']['posts'][number];

export const altOf = (post: { altText: string | null; caption: string | null; username: string }) =>
  post.altText || post.caption || `Photo by ${post.username}`;

/** The heart: optimistic, then corrected by the server's count. */
export function likeButton(post: { postId: string; isLiked: boolean; likesCount: number }): HTMLElement {
  const count = h('span', {}, formatCount(post.likesCount, 'like', 'likes'));
  const button = h(
    'button',
    { type: 'button', class: 'icon-button like', 'aria-pressed': String(post.isLiked), 'aria-label': 'Like' },
    icon('heart', post.isLiked),
  );
  const show = (liked: boolean, likes: number) => {
    button.setAttribute('aria-pressed', String(liked));
    button.replaceChildren(icon('heart', liked));
    count.textContent = formatCount(likes, 'like', 'likes');
  };
  button.addEventListener('click', async () => {
    if (!currentSession()) return navigate('/signin');
    const liking = button.getAttribute('aria-pressed') !== 'true';
    const before = post.likesCount;
    show(liking, before + (liking ? 1 : -1));
    try {
      const param = { postId: post.postId };
      const state = await call(
        liking ? api.posts[':postId'].like.$post({ param }) : api.posts[':postId'].like.$delete({ param }),
      );
      post.likesCount = state.likesCount;
      post.isLiked = state.isLiked;
      show(state.isLiked, state.likesCount);
    } catch (error) {
      show(!liking, before);
      toast(await explain(error));
    }
  });
  return h('span', { class: 'like-group' }, button, count);
}

export function authorLine(
  post: { userId: string; username: string; avatar?: string | null },
  extra?: Node,
): HTMLElement {
  return h(
    'header',
    { class: 'author' },
    h(
      'a',
      { href: `/u/${post.userId}`, class: 'author-link' },
      avatar(post.avatar ?? null, post.username),
      h('strong', {}, post.username),
    ),
    extra,
  );
}

export function postCard(post: FeedItem, index: number): HTMLElement {
  return h(
    'article',
    {
      class: 'card',
      'aria-label': post.mediaCount > 1 ? `${post.mediaCount} photos by ${post.username}` : `Photo by ${post.username}`,
    },
    authorLine(post, h('time', { datetime: post.createdAt, class: 'muted' }, timeAgo(post.createdAt))),
    post.mediaCount > 1
      ? carousel(post.media, {
          fallbackAlt: (i) => `Photo ${i + 1} by ${post.username}`,
          label: `${post.mediaCount} photos by ${post.username}`,
          href: `/p/${post.postId}`,
          sizes: '(max-width: 640px) 100vw, 600px',
          eager: index < 2,
        })
      : h(
          'a',
          { href: `/p/${post.postId}`, class: 'photo-link' },
          photo({
            src: post.displayUrl,
            srcset: `${post.imageUrl} 320w, ${post.displayUrl} 1080w`,
            sizes: '(max-width: 640px) 100vw, 600px',
            alt: altOf(post),
            blurhash: post.blurhash,
            aspectRatio: post.aspectRatio,
            eager: index < 2,
          }),
        ),
    h(
      'div',
      { class: 'actions' },
      likeButton(post),
      h(
        'a',
        { href: `/p/${post.postId}#comments`, class: 'comment-link' },
        icon('comment'),
        formatCount(post.commentsCount, 'comment', 'comments'),
      ),
    ),
    post.caption &&
      h(
        'p',
        { class: 'caption' },
        h('a', { href: `/u/${post.userId}`, class: 'name' }, post.username),
        ' ',
        post.caption,
      ),
  );
}

/** A square tile of a grid (profile, explore, search) linking to the post. */
export function gridTile(post: {
  postId: string;
  imageUrl: string | null;
  blurhash: string | null;
  altText: string | null;
  caption: string | null;
  username: string;
  processingStatus?: string;
}): HTMLElement {
  const status = post.processingStatus && post.processingStatus !== 'ready' ? post.processingStatus : null;
  return h(
    'a',
    { href: `/p/${post.postId}`, class: `tile${status ? ' pending' : ''}` },
    photo({ src: status ? null : post.imageUrl, alt: altOf(post), blurhash: post.blurhash, aspectRatio: 1 }),
    status && h('span', { class: 'badge-label' }, status === 'processing' ? 'Processing…' : 'Failed'),
  );
}
