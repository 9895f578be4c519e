import { api, call } from '../api/client';
import { explain } from '../api/errors';
import { instanceLimits } from '../api/instance';
import { watchStatus } from '../live/status';
import { errorLine, h, statusLine } from '../ui/dom';
import { photoPicker } from '../ui/photo-picker';
import { altOf } from '../ui/post-card';
import { postPhotos } from '../ui/post-photos';
import { loadPost, type PostDetail } from './post';

function field(id: string, label: string, control: HTMLElement, hint?: string): HTMLElement {
  control.id = id;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint && h('small', { class: 'muted' }, hint),
  );
}

function parseTags(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((tag) => tag.replace(/^#/, '').trim())
    .filter(Boolean);
}

/** The post once it is no longer processing: told by `post.updated`, read again only without a socket. */
function whenProcessed(postId: string, signal: AbortSignal): Promise<PostDetail> {
  return new Promise((resolve, reject) => {
    watchStatus(async (event) => {
      if (event && (event.type !== 'post.updated' || event.postId !== postId)) return false;
      try {
        const post = await loadPost(postId);
        if (post.processingStatus === 'processing') return false;
        resolve(post);
      } catch (failure) {
        reject(failure instanceof Error ? failure : new Error(String(failure)));
      }
      return true;
    }, signal);
  });
}

const defaultMaxPhotos = 20;

/** Something the person can fix in the form, said in their words (not an API error). */
class FormProblem extends Error {}

export async function uploadScreen({ signal }: { signal: AbortSignal }): Promise<Node> {
  const limits = await instanceLimits().catch(() => null);
  const photos = photoPicker(
    {
      maxPhotos: limits?.media?.maxPerPost ?? defaultMaxPhotos,
      maxBytes: limits?.upload.maxBytes ?? Number.POSITIVE_INFINITY,
    },
    signal,
  );
  const caption = h('textarea', { name: 'caption', rows: 3, maxlength: 2200 });
  const tags = h('input', { name: 'tags', placeholder: 'sunset, beach', autocapitalize: 'none' });
  const locationName = h('input', { name: 'locationName', placeholder: 'Where was it taken?' });
  const coordinates = h('small', { class: 'muted' });
  let position: { latitude: number; longitude: number } | null = null;
  const locate = h('button', { type: 'button', class: 'ghost' }, 'Use my position');
  locate.addEventListener('click', () =>
    navigator.geolocation.getCurrentPosition(
      ({ coords }) => {
        position = { latitude: Number(coords.latitude.toFixed(4)), longitude: Number(coords.longitude.toFixed(4)) };
        coordinates.textContent = `${position.latitude}, ${position.longitude}`;
      },
      () => (coordinates.textContent = 'Your position is not available.'),
    ),
  );
  const privacy = h(
    'fieldset',
    { class: 'privacy' },
    h('legend', {}, 'Who can see it'),
    ...(
      [
        ['public', 'Everyone'],
        ['followers', 'Followers'],
        ['private', 'Only me'],
      ] as const
    ).map(([value, label]) =>
      h('label', {}, h('input', { type: 'radio', name: 'privacy', value, checked: value === 'public' }), ` ${label}`),
    ),
  );

  const status = statusLine();
  const error = errorLine();
  const submit = h('button', { type: 'submit' }, 'Share');
  const form = h(
    'form',
    { class: 'stack upload' },
    photos.element,
    field('upload-caption', 'Caption', caption, '#hashtags in the caption become tags too.'),
    field('upload-tags', 'Tags', tags, 'Separated by commas or spaces.'),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'upload-location' }, 'Location'),
      h('div', { class: 'row' }, Object.assign(locationName, { id: 'upload-location' }), locate),
      coordinates,
    ),
    privacy,
    status,
    error,
    submit,
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (locationName.value.trim() && !position) {
      error.textContent = 'A location needs coordinates: press “Use my position”, or clear the location.';
      return;
    }
    const chosenPrivacy = new FormData(form).get('privacy');
    submit.disabled = true;
    error.textContent = '';
    try {
      status.textContent = 'Waiting for the uploads…';
      const settled = await photos.settle();
      if ('problem' in settled) throw new FormProblem(settled.problem);
      status.textContent = 'Sharing…';
      const problem = await photos.saveDescriptions();
      if (problem) throw new FormProblem(problem);
      const captionText = caption.value.trim();
      const tagList = parseTags(tags.value);
      const post = await call(
        api.posts.$post({
          json: {
            mediaIds: settled.mediaIds,
            ...(captionText ? { caption: captionText } : {}),
            ...(tagList.length ? { tags: tagList } : {}),
            ...(position
              ? { location: { ...position, ...(locationName.value.trim() ? { name: locationName.value.trim() } : {}) } }
              : {}),
            privacy: chosenPrivacy === 'followers' || chosenPrivacy === 'private' ? chosenPrivacy : 'public',
          },
        }),
      );
      status.textContent = '';
      form.replaceWith(resultView(post, photos.previews(), signal));
    } catch (failure) {
      status.textContent = '';
      // Everything typed and every photo stays in the form.
      error.textContent = failure instanceof FormProblem ? failure.message : await explain(failure);
      submit.disabled = false;
    }
  });

  return h('section', { class: 'narrow' }, h('h1', {}, 'New post'), form);
}

function resultView(created: PostDetail, previews: string[], signal: AbortSignal): HTMLElement {
  const count = created.mediaCount;
  const frame = h(
    'div',
    { class: 'processing-frame' },
    previews[0] && h('img', { src: previews[0], alt: '', class: 'blurred' }),
    h(
      'p',
      { class: 'processing-label' },
      h('span', { class: 'spinner', 'aria-hidden': 'true' }),
      count > 1 ? `Processing your ${count} photos…` : 'Processing your photo…',
    ),
  );
  const status = h(
    'p',
    { role: 'status', class: 'muted' },
    `Your ${count > 1 ? 'photos are' : 'photo is'} uploaded. Lumen is preparing their sizes; this takes a few seconds.`,
  );
  const view = h('div', { class: 'stack', 'data-state': 'processing' }, frame, status);
  const show = (post: PostDetail) => {
    if (post.processingStatus === 'ready') {
      view.dataset.state = 'ready';
      frame.replaceWith(postPhotos(post, altOf(post)));
      status.replaceChildren(
        count > 1 ? 'Your photos are live. ' : 'Your photo is live. ',
        h('a', { href: `/p/${post.postId}` }, 'View post'),
        ' · ',
        h('a', { href: '/upload' }, 'Share another'),
      );
    } else {
      view.dataset.state = 'failed';
      status.textContent = `This post could not be processed${post.failureReason ? `: ${post.failureReason}` : ''}.`;
    }
  };
  if (created.processingStatus !== 'processing') show(created);
  else
    whenProcessed(created.postId, signal).then(
      (post) => signal.aborted || show(post),
      async (failure) => (status.textContent = await explain(failure)),
    );
  return view;
}
