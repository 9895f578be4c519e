import type { InferResponseType } from 'hono/client';
import { api, call } from '../api/client';
import { explain } from '../api/errors';
import { currentSession } from '../api/session';
import { navigate, type Route } from '../router';
import { errorLine, formatCount, h, timeAgo } from '../ui/dom';
import { infiniteList } from '../ui/infinite-list';
import { altOf, authorLine, likeButton } from '../ui/post-card';
import { postPhotos } from '../ui/post-photos';
import { actionMenu, reportDialog, setBlocked, setMuted } from '../ui/safety-menu';
import { toast } from '../ui/toast';

type Comment = Extract<
  InferResponseType<(typeof api.posts)[':postId']['comments']['$get'], 200>,
  { success: true }
>['data']['comments'][number];

export type PostDetail = Awaited<ReturnType<typeof loadPost>>;

export const loadPost = (postId: string) => call(api.images[':postId'].$get({ param: { postId } }));

export async function postScreen({ params, signal }: Route): Promise<Node> {
  const postId = params.postId ?? '';
  const post = await loadPost(postId);
  const me = currentSession()?.userId;
  const isAuthor = me === post.userId;
  const image = postPhotos(post, altOf(post));

  const deleteButton =
    isAuthor &&
    h(
      'button',
      {
        type: 'button',
        class: 'ghost danger',
        onclick: async () => {
          if (!confirm('Delete this post? This cannot be undone.')) return;
          try {
            await call(api.images[':postId'].$delete({ param: { postId } }));
            navigate(`/u/${post.userId}`, { replace: true });
          } catch (error) {
            toast(await explain(error));
          }
        },
      },
      'Delete post',
    );

  const postMenu =
    me &&
    !isAuthor &&
    actionMenu(`More actions for this post by ${post.username}`, [
      { label: 'Report post', run: () => reportDialog('post', postId, 'this post') },
      { label: `Mute ${post.username}`, run: () => setMuted(post.userId, true) },
      {
        label: `Block ${post.username}`,
        run: async () => {
          if (!confirm(`Block ${post.username}? Follows between you end.`)) return;
          await setBlocked(post.userId, true);
          navigate('/', { replace: true });
        },
      },
    ]);

  const commentCount = h(
    'h2',
    { id: 'comments', tabindex: '-1' },
    formatCount(post.commentsCount, 'comment', 'comments'),
  );
  const comments = h('ul', { class: 'comments' });
  const renderComment = (comment: Comment) => {
    const row = h(
      'li',
      {},
      h('a', { href: `/u/${comment.userId}`, class: 'name' }, comment.username),
      ' ',
      comment.content,
      ' ',
      h('time', { datetime: comment.createdAt, class: 'muted' }, timeAgo(comment.createdAt)),
    );
    if (me && me !== comment.userId) {
      row.appendChild(
        actionMenu(`More actions for the comment by ${comment.username}`, [
          { label: 'Report comment', run: () => reportDialog('comment', comment.commentId, 'this comment') },
          {
            label: `Block ${comment.username}`,
            run: async () => {
              if (!confirm(`Block ${comment.username}?`)) return;
              await setBlocked(comment.userId, true);
              row.remove();
            },
          },
        ]),
      );
    }
    if (me && (me === comment.userId || isAuthor)) {
      row.appendChild(
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            'aria-label': `Delete comment by ${comment.username}`,
            onclick: async () => {
              try {
                await call(
                  api.posts[':postId'].comments[':commentId'].$delete({
                    param: { postId, commentId: comment.commentId },
                  }),
                );
                row.remove();
                post.commentsCount -= 1;
                commentCount.textContent = formatCount(post.commentsCount, 'comment', 'comments');
              } catch (error) {
                toast(await explain(error));
              }
            },
          },
          'Delete',
        ),
      );
    }
    return row;
  };
  const sentinel = infiniteList({
    container: comments,
    signal,
    load: async (cursor) => {
      const page = await call(
        api.posts[':postId'].comments.$get({
          param: { postId },
          query: { limit: '30', ...(cursor ? { cursor } : {}) },
        }),
      );
      return { items: page.comments, next: page.pagination.hasMore ? page.pagination.nextCursor : null };
    },
    renderItem: renderComment,
    empty: () => h('ul', { class: 'comments' }),
  });

  const error = errorLine();
  const textarea = h('textarea', {
    id: 'comment-text',
    name: 'content',
    rows: 2,
    required: true,
    maxlength: 2200,
    placeholder: 'Add a comment…',
  });
  const commentForm = me
    ? h(
        'form',
        { class: 'comment-form' },
        h('label', { for: 'comment-text', class: 'visually-hidden' }, 'Comment'),
        textarea,
        h('button', { type: 'submit' }, 'Post'),
        error,
      )
    : h('p', {}, h('a', { href: `/signin?next=/p/${postId}` }, 'Sign in'), ' to comment.');
  commentForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    try {
      const comment = await call(
        api.posts[':postId'].comments.$post({ param: { postId }, json: { content: textarea.value } }),
      );
      textarea.value = '';
      document.querySelector('.comments')?.appendChild(renderComment(comment));
      post.commentsCount += 1;
      commentCount.textContent = formatCount(post.commentsCount, 'comment', 'comments');
    } catch (failure) {
      error.textContent = await explain(failure);
    }
  });

  const privacyLabel = post.privacy === 'public' ? null : post.privacy === 'followers' ? 'Followers only' : 'Only you';
  return h(
    'article',
    { class: 'post-page' },
    h('h1', { class: 'visually-hidden' }, `Photo by ${post.username}`),
    h('div', { class: 'post-image' }, image),
    h(
      'div',
      { class: 'post-side' },
      authorLine(post, h('time', { datetime: post.createdAt, class: 'muted' }, timeAgo(post.createdAt))),
      post.caption && h('p', { class: 'caption' }, post.caption),
      post.tags.length > 0 &&
        h(
          'p',
          { class: 'tags' },
          post.tags.map((tag) => h('a', { href: `/search?q=${encodeURIComponent('#' + tag)}&type=posts` }, `#${tag}`)),
        ),
      (post.location?.name || privacyLabel) &&
        h('p', { class: 'muted' }, [post.location?.name, privacyLabel].filter(Boolean).join(' · ')),
      h('div', { class: 'actions' }, likeButton(post), deleteButton, postMenu),
      commentCount,
      comments,
      sentinel,
      commentForm,
    ),
  );
}
