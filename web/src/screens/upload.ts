import { explain } from '../api/errors';
import { instanceLimits } from '../api/instance';
import { uploadPhoto, type UploadFields } from '../api/upload-request';
import { errorLine, h, statusLine } from '../ui/dom';
import { photo } from '../ui/photo';
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

/** Polls the post until the processor has made its variants (or given up). */
async function whenProcessed(postId: string, signal: AbortSignal): Promise<PostDetail> {
  for (let delay = 600; ; delay = Math.min(delay * 1.5, 4000)) {
    const post = await loadPost(postId);
    if (post.processingStatus !== 'processing' || signal.aborted) return post;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

export function uploadScreen({ signal }: { signal: AbortSignal }): Node {
  const file = h('input', {
    type: 'file',
    name: 'image',
    accept: 'image/jpeg,image/png,image/webp',
    required: true,
    class: 'file-input',
  });
  const preview = h(
    'div',
    { class: 'preview', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, 'Choose a JPEG, PNG or WebP photo.'),
  );
  const caption = h('textarea', { name: 'caption', rows: 3, maxlength: 2200 });
  const altText = h('textarea', { name: 'altText', rows: 2, maxlength: 1500 });
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

  const progress = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Upload progress' });
  const status = statusLine();
  const error = errorLine();
  const submit = h('button', { type: 'submit' }, 'Share');
  const form = h(
    'form',
    { class: 'stack upload' },
    h('label', { class: 'drop' }, h('span', { class: 'button ghost' }, 'Choose photo'), file),
    preview,
    field('upload-caption', 'Caption', caption, '#hashtags in the caption become tags too.'),
    field('upload-alt', 'Description for people who cannot see the photo', altText),
    field('upload-tags', 'Tags', tags, 'Separated by commas or spaces.'),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'upload-location' }, 'Location'),
      h('div', { class: 'row' }, Object.assign(locationName, { id: 'upload-location' }), locate),
      coordinates,
    ),
    privacy,
    progress,
    status,
    error,
    submit,
  );

  let previewUrl: string | null = null;
  signal.addEventListener('abort', () => previewUrl && URL.revokeObjectURL(previewUrl));
  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    error.textContent = '';
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = chosen ? URL.createObjectURL(chosen) : null;
    preview.replaceChildren(previewUrl ? h('img', { src: previewUrl, alt: 'Preview of the chosen photo' }) : '');
    const limits = await instanceLimits().catch(() => null);
    // Say so before a long upload that the server would refuse anyway.
    if (chosen && limits && chosen.size > limits.upload.maxBytes)
      error.textContent = `That photo is too large (${(chosen.size / 1048576).toFixed(1)} MB). Photos can be up to ${Math.round(limits.upload.maxBytes / 1048576)} MB.`;
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const image = file.files?.[0];
    if (!image) return;
    const chosenPrivacy = new FormData(form).get('privacy');
    const fields: UploadFields = {
      image,
      caption: caption.value.trim(),
      altText: altText.value.trim(),
      tags: parseTags(tags.value),
      location: position
        ? { ...position, ...(locationName.value.trim() ? { name: locationName.value.trim() } : {}) }
        : null,
      privacy: chosenPrivacy === 'followers' || chosenPrivacy === 'private' ? chosenPrivacy : 'public',
    };
    if (locationName.value.trim() && !position) {
      error.textContent = 'A location needs coordinates: press “Use my position”, or clear the location.';
      return;
    }
    submit.disabled = true;
    error.textContent = '';
    progress.hidden = false;
    status.textContent = 'Uploading…';
    try {
      const accepted = await uploadPhoto(fields, (fraction) => {
        progress.value = fraction;
        status.textContent = `Uploading… ${Math.round(fraction * 100)}%`;
      });
      progress.hidden = true;
      status.textContent = '';
      form.replaceWith(processingView(accepted.postId, previewUrl, signal));
    } catch (failure) {
      progress.hidden = true;
      status.textContent = '';
      error.textContent = await explain(failure);
      submit.disabled = false;
    }
  });

  return h('section', { class: 'narrow' }, h('h1', {}, 'New post'), form);
}

function processingView(postId: string, previewUrl: string | null, signal: AbortSignal): HTMLElement {
  const frame = h(
    'div',
    { class: 'processing-frame' },
    previewUrl && h('img', { src: previewUrl, alt: '', class: 'blurred' }),
    h(
      'p',
      { class: 'processing-label' },
      h('span', { class: 'spinner', 'aria-hidden': 'true' }),
      'Processing your photo…',
    ),
  );
  const status = h(
    'p',
    { role: 'status', class: 'muted' },
    'Your photo is uploaded. Lumen is preparing its sizes; this takes a few seconds.',
  );
  const view = h('div', { class: 'stack', 'data-state': 'processing' }, frame, status);
  whenProcessed(postId, signal).then(
    (post) => {
      if (signal.aborted) return;
      if (post.processingStatus === 'ready') {
        view.dataset.state = 'ready';
        frame.replaceWith(
          photo({
            src: post.displayUrl,
            alt: post.altText || post.caption || 'Your photo',
            blurhash: post.metadata?.blurhash,
            aspectRatio: post.metadata?.aspectRatio,
            eager: true,
          }),
        );
        status.replaceChildren(
          'Your photo is live. ',
          h('a', { href: `/p/${postId}` }, 'View post'),
          ' · ',
          h('a', { href: '/upload' }, 'Share another'),
        );
      } else {
        view.dataset.state = 'failed';
        status.textContent = `This photo could not be processed${post.failureReason ? `: ${post.failureReason}` : ''}.`;
      }
    },
    async (failure) => (status.textContent = await explain(failure)),
  );
  return view;
}
