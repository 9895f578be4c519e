/**
 * Live status over the notification stream: a socket opened with `?events=status` hears
 * `media.updated` when one of the user's photos finishes and `post.updated` when their post
 * becomes ready, with no polling; a socket opened without it hears only notifications, as before.
 */
import { describe, expect, it } from 'vitest';
import { callJson } from '../helpers/api';
import { quickUsers, type TestUser } from '../helpers/factories';
import { createPost, insertMediaWithoutBytes, readyMedia, uploadMedia } from '../helpers/media';
import { openStream, type StreamClient } from '../helpers/notifications';
import { readyPost } from '../helpers/processing';
import { env } from 'cloudflare:workers';
import { parsePublicId } from '../../src/shared/ids';

/** Frames until one matches, failing after `max` frames or a quiet spell. */
async function nextMatching(stream: StreamClient, match: (frame: Record<string, unknown>) => boolean, max = 10) {
  for (let i = 0; i < max; i++) {
    const frame = (await stream.next(15_000)) as Record<string, unknown>;
    if (match(frame)) return frame;
  }
  throw new Error('no matching frame');
}

describe('status events on the notification stream', () => {
  it('tell the uploader when a photo is ready, and when the post it is in becomes ready', async () => {
    const [author] = (await quickUsers(1)) as [TestUser];
    const stream = await openStream(author, '&events=status');
    const photo = (await uploadMedia(author)).body.data.mediaId;
    expect(await nextMatching(stream, (f) => f.mediaId === photo)).toEqual({
      type: 'media.updated',
      mediaId: photo,
      postId: null,
      processingStatus: 'ready',
      failureReason: null,
    });

    const [ready] = (await readyMedia(author, 1)) as [string];
    const pending = (await uploadMedia(author)).body.data.mediaId;
    const { status, body } = await createPost(author, { mediaIds: [ready, pending] });
    if (status === 202) {
      expect(await nextMatching(stream, (f) => f.type === 'post.updated')).toEqual({
        type: 'post.updated',
        postId: body.data.postId,
        processingStatus: 'ready',
        failureReason: null,
      });
    }
    stream.socket.close();
  });

  it('tell the uploader when a photo fails, and its post with it', async () => {
    const [author] = (await quickUsers(1)) as [TestUser];
    const stream = await openStream(author, '&events=status');
    const broken = await insertMediaWithoutBytes(author);
    const { body } = await createPost(author, { mediaIds: [broken] });
    await env.IMAGE_JOBS.send({ kind: 'process-media', mediaId: String(parsePublicId('media', broken)) });
    expect(await nextMatching(stream, (f) => f.type === 'media.updated')).toMatchObject({
      mediaId: broken,
      postId: body.data.postId,
      processingStatus: 'failed',
      failureReason: expect.stringMatching(/missing/),
    });
    expect(await nextMatching(stream, (f) => f.type === 'post.updated')).toMatchObject({
      postId: body.data.postId,
      processingStatus: 'failed',
    });
    stream.socket.close();
  });

  it('stay off a stream opened without ?events=status: its first frame is the next notification', async () => {
    const [author, fan] = (await quickUsers(2)) as [TestUser, TestUser];
    const stream = await openStream(author);
    const postId = await readyPost(author);
    await readyMedia(author, 1);
    await callJson(`/api/v1/posts/${postId}/like`, { method: 'POST', token: fan.accessToken });
    expect(await stream.next(15_000)).toMatchObject({ type: 'like', postId });
    stream.socket.close();
  });
});
