import { describe, expect, it } from 'vitest';
import { genericNotification, notificationFor } from '../../../web/sw/notification';

const actor = { userId: 'user_a1', username: 'ann', avatar: 'https://img.example/ann.webp' };

describe('the service worker’s notification for a push payload', () => {
  it('a like opens the post, tagged with the notification id, with the actor’s avatar', () => {
    const shown = notificationFor(
      JSON.stringify({ notificationId: 'notif_1', type: 'like', actor, postId: 'post_9', read: false }),
    );
    expect(shown).toEqual({
      title: 'ann',
      options: { body: 'liked your photo.', icon: actor.avatar, tag: 'notif_1', data: { url: '/p/post_9' } },
    });
  });

  it('a comment quotes its text; a follow opens the follower’s profile with the app icon when no avatar', () => {
    const comment = notificationFor(
      JSON.stringify({ notificationId: 'notif_2', type: 'comment', actor, postId: 'post_9', content: 'Lovely' }),
    );
    expect(comment.options.body).toBe('commented: “Lovely”');
    const follow = notificationFor(
      JSON.stringify({ notificationId: 'notif_3', type: 'follow', actor: { ...actor, avatar: null } }),
    );
    expect(follow.options).toEqual({
      body: 'started following you.',
      icon: '/favicon.svg',
      tag: 'notif_3',
      data: { url: '/u/user_a1' },
    });
  });

  it('a payload that is missing, not JSON or of another shape still shows the generic notification', () => {
    for (const text of [
      null,
      '',
      'not json',
      '{"type":"like"}',
      JSON.stringify({ notificationId: 'n', type: 'x', actor }),
    ])
      expect(notificationFor(text)).toEqual(genericNotification);
  });
});
