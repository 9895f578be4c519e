/**
 * The composer's photos: picked or dropped (up to the server's per-post limit), each uploaded at
 * once by `POST /media` with its own progress bar, then followed through processing by the live
 * `media.updated` events (GET /media/{id} only while there is no socket). Photos are reordered by
 * buttons (keyboard) or drag and drop, removed, described one by one; a failure stays on its own
 * photo, with "Try again", and never touches the others or anything typed.
 */
import { api, call } from '../api/client';
import { explain } from '../api/errors';
import { uploadMedia } from '../api/upload-request';
import { watchStatus, type StatusEvent } from '../live/status';
import { h } from './dom';

type Phase = 'waiting' | 'uploading' | 'processing' | 'ready' | 'failed';

interface Draft {
  key: number;
  file: File;
  preview: string;
  mediaId: string | null;
  phase: Phase;
  /** Settles when the upload has an answer, good or bad. */
  uploaded: Promise<void>;
  cancel: AbortController;
  /** The description last sent to the server, so sharing only sends what changed. */
  savedAlt: string;
  row: HTMLLIElement;
  alt: HTMLTextAreaElement;
  progress: HTMLProgressElement;
  state: HTMLElement;
  retry: HTMLButtonElement;
}

export interface PhotoPicker {
  element: HTMLElement;
  /** The photos in display order, once every upload has an answer; a message naming the first photo that failed. */
  settle(): Promise<{ mediaIds: string[] } | { problem: string }>;
  /** Sends each changed description (PATCH /media/{id}); a message naming the photo that failed. */
  saveDescriptions(): Promise<string | null>;
  /** Previews of the photos in order, for the processing view. */
  previews(): string[];
}

// Uploads in flight at once: enough to fill the link, few enough that the first photo finishes first.
const parallelUploads = 3;
const acceptedTypes = 'image/jpeg,image/png,image/webp,image/heic,image/heif,image/avif,.heic,.heif,.avif';

export function photoPicker(limits: { maxPhotos: number; maxBytes: number }, signal: AbortSignal): PhotoPicker {
  const drafts: Draft[] = [];
  let nextKey = 0;
  const input = h('input', { type: 'file', multiple: true, accept: acceptedTypes, class: 'file-input' });
  const count = h('span', { class: 'muted' });
  const notice = h('p', { class: 'error', role: 'alert' });
  const list = h('ol', { class: 'drafts', 'aria-label': 'Photos in this post' });
  const zone = h(
    'div',
    { class: 'drop-zone' },
    h('label', { class: 'drop' }, h('span', { class: 'button ghost' }, 'Add photos'), input),
    h('span', { class: 'muted' }, ' or drop them here · '),
    count,
  );
  const element = h('div', { class: 'photo-picker stack' }, zone, notice, list);

  const position = (draft: Draft) => drafts.indexOf(draft) + 1;

  function renumber(): void {
    count.textContent = `${drafts.length} of ${limits.maxPhotos} photos`;
    for (const draft of drafts) {
      const n = position(draft);
      const of = `photo ${n} of ${drafts.length}`;
      draft.row.querySelector('.draft-title')?.replaceChildren(`Photo ${n} of ${drafts.length}`);
      draft.row.querySelector('img')?.setAttribute('alt', `Preview of ${of}`);
      draft.row.querySelector('.draft-alt-which')?.replaceChildren(` (${of})`);
      draft.progress.setAttribute('aria-label', `Upload of ${of}`);
      const [earlier, later, remove] = draft.row.querySelectorAll<HTMLButtonElement>('.draft-actions button');
      earlier?.setAttribute('aria-label', `Move ${of} earlier`);
      later?.setAttribute('aria-label', `Move ${of} later`);
      remove?.setAttribute('aria-label', `Remove ${of}`);
      draft.retry.setAttribute('aria-label', `Try ${of} again`);
      if (earlier) earlier.disabled = n === 1;
      if (later) later.disabled = n === drafts.length;
    }
    zone.hidden = drafts.length >= limits.maxPhotos;
  }

  function setPhase(draft: Draft, phase: Phase, message?: string): void {
    draft.phase = phase;
    draft.row.dataset.phase = phase;
    draft.progress.hidden = phase !== 'uploading' && phase !== 'waiting';
    draft.retry.hidden = phase !== 'failed' || draft.mediaId !== null;
    const words: Record<Phase, string> = {
      waiting: 'Waiting to upload…',
      uploading: 'Uploading…',
      processing: 'Processing…',
      ready: 'Ready',
      failed: 'Failed',
    };
    draft.state.textContent = message ?? words[phase];
  }

  // Uploads run a few at a time, in display order.
  function pump(): void {
    const active = drafts.filter((d) => d.phase === 'uploading').length;
    for (const draft of drafts.filter((d) => d.phase === 'waiting').slice(0, parallelUploads - active)) start(draft);
  }
  const starters = new Map<number, () => void>();
  function start(draft: Draft): void {
    setPhase(draft, 'uploading');
    starters.get(draft.key)?.();
  }

  function upload(draft: Draft): Promise<void> {
    return new Promise<void>((begin) => starters.set(draft.key, begin))
      .then(() =>
        uploadMedia(
          draft.file,
          (fraction) => {
            draft.progress.value = fraction;
            draft.state.textContent = `Uploading… ${Math.round(fraction * 100)}%`;
          },
          draft.cancel.signal,
        ),
      )
      .then(
        (accepted) => {
          draft.mediaId = accepted.mediaId;
          setPhase(draft, accepted.processingStatus);
          for (const event of pendingEvents) apply(event);
        },
        async (failure: unknown) => {
          if (draft.cancel.signal.aborted) return;
          setPhase(draft, 'failed', await explain(failure));
        },
      )
      .finally(() => {
        starters.delete(draft.key);
        pump();
      });
  }

  function add(files: File[]): void {
    notice.textContent = '';
    const room = limits.maxPhotos - drafts.length;
    if (files.length > room)
      notice.textContent = `A post has at most ${limits.maxPhotos} photos; ${files.length - room} not added.`;
    for (const file of files.slice(0, Math.max(0, room))) {
      const draft = makeDraft(file);
      drafts.push(draft);
      list.appendChild(draft.row);
      if (file.size > limits.maxBytes) {
        // Said before a long upload that the server would refuse anyway.
        setPhase(
          draft,
          'failed',
          `Too large (${(file.size / 1048576).toFixed(1)} MB). Photos can be up to ${Math.round(limits.maxBytes / 1048576)} MB.`,
        );
        draft.retry.hidden = true;
        continue;
      }
      setPhase(draft, 'waiting');
      draft.uploaded = upload(draft);
    }
    renumber();
    pump();
  }

  function move(draft: Draft, to: number): void {
    const from = drafts.indexOf(draft);
    if (to < 0 || to >= drafts.length || to === from) return;
    drafts.splice(from, 1);
    drafts.splice(to, 0, draft);
    list.insertBefore(draft.row, drafts[to + 1]?.row ?? null);
    renumber();
  }

  function remove(draft: Draft): void {
    const at = drafts.indexOf(draft);
    draft.cancel.abort();
    starters.delete(draft.key);
    URL.revokeObjectURL(draft.preview);
    drafts.splice(at, 1);
    draft.row.remove();
    renumber();
    pump();
    // Focus goes to the photo that took its place, or to "Add photos".
    const neighbour = (drafts[at] ?? drafts[at - 1])?.row.querySelector<HTMLButtonElement>('.draft-remove');
    (neighbour ?? input).focus();
  }

  function makeDraft(file: File): Draft {
    const key = nextKey++;
    const preview = URL.createObjectURL(file);
    const altId = `draft-alt-${key}`;
    const alt = h('textarea', { id: altId, rows: 2, maxlength: 1500 });
    const progress = h('progress', { max: 1, value: 0 });
    const state = h('span', { class: 'draft-state', role: 'status' });
    const retry = h('button', { type: 'button', class: 'ghost', hidden: true }, 'Try again');
    const earlier = h('button', { type: 'button', class: 'ghost' }, '↑');
    const later = h('button', { type: 'button', class: 'ghost' }, '↓');
    const removeButton = h('button', { type: 'button', class: 'ghost danger draft-remove' }, 'Remove');
    const row = h(
      'li',
      { class: 'draft', draggable: 'true' },
      h('img', { src: preview, alt: '', class: 'draft-preview' }),
      h(
        'div',
        { class: 'draft-body' },
        h('strong', { class: 'draft-title' }),
        h('div', { class: 'draft-progress' }, progress, state, retry),
        h(
          'label',
          { for: altId },
          'Description for people who cannot see the photo',
          h('span', { class: 'visually-hidden draft-alt-which' }),
        ),
        alt,
        h('div', { class: 'draft-actions' }, earlier, later, removeButton),
      ),
    );
    const draft: Draft = {
      key,
      file,
      preview,
      mediaId: null,
      phase: 'waiting',
      uploaded: Promise.resolve(),
      cancel: new AbortController(),
      savedAlt: '',
      row,
      alt,
      progress,
      state,
      retry,
    };
    earlier.addEventListener('click', () => {
      move(draft, drafts.indexOf(draft) - 1);
      (earlier.disabled ? later : earlier).focus();
    });
    later.addEventListener('click', () => {
      move(draft, drafts.indexOf(draft) + 1);
      (later.disabled ? earlier : later).focus();
    });
    removeButton.addEventListener('click', () => remove(draft));
    retry.addEventListener('click', () => {
      draft.cancel = new AbortController();
      setPhase(draft, 'waiting');
      draft.uploaded = upload(draft);
      pump();
    });
    row.addEventListener('dragstart', (event) => {
      event.dataTransfer?.setData('text/x-lumen-photo', String(key));
      row.classList.add('dragged');
    });
    row.addEventListener('dragend', () => row.classList.remove('dragged'));
    row.addEventListener('dragover', (event) => {
      if (event.dataTransfer?.types.includes('text/x-lumen-photo')) event.preventDefault();
    });
    row.addEventListener('drop', (event) => {
      const moved = drafts.find((d) => String(d.key) === event.dataTransfer?.getData('text/x-lumen-photo'));
      if (!moved) return;
      event.preventDefault();
      event.stopPropagation();
      move(moved, drafts.indexOf(draft));
    });
    return draft;
  }

  // Processing: live events, or (without a socket) GET /media for each photo still processing.
  const pendingEvents: StatusEvent[] = [];
  function apply(event: StatusEvent): void {
    if (event.type !== 'media.updated') return;
    const draft = drafts.find((d) => d.mediaId === event.mediaId);
    if (!draft) {
      // Its upload's answer may not have been read yet.
      pendingEvents.push(event);
      return;
    }
    if (draft.phase === 'processing' && event.processingStatus !== 'processing')
      setPhase(
        draft,
        event.processingStatus,
        event.processingStatus === 'failed'
          ? `Could not be processed${event.failureReason ? `: ${event.failureReason}` : ''}. Remove it to share the others.`
          : undefined,
      );
  }
  watchStatus(async (event) => {
    if (event) {
      apply(event);
      return false;
    }
    for (const draft of drafts.filter((d) => d.phase === 'processing' && d.mediaId)) {
      const detail = await call(api.media[':mediaId'].$get({ param: { mediaId: draft.mediaId ?? '' } }));
      apply({
        type: 'media.updated',
        mediaId: detail.mediaId,
        postId: detail.postId,
        processingStatus: detail.processingStatus,
        failureReason: detail.failureReason,
      });
    }
    return false;
  }, signal);

  input.addEventListener('change', () => {
    add([...(input.files ?? [])]);
    input.value = '';
  });
  element.addEventListener('dragover', (event) => {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    element.classList.add('dropping');
  });
  element.addEventListener('dragleave', () => element.classList.remove('dropping'));
  element.addEventListener('drop', (event) => {
    element.classList.remove('dropping');
    const files = [...(event.dataTransfer?.files ?? [])];
    if (!files.length) return;
    event.preventDefault();
    add(files);
  });
  signal.addEventListener('abort', () => {
    for (const draft of drafts) URL.revokeObjectURL(draft.preview);
  });
  renumber();

  return {
    element,
    previews: () => drafts.map((d) => d.preview),
    async settle() {
      if (!drafts.length) return { problem: 'Add at least one photo.' };
      await Promise.all(drafts.map((d) => d.uploaded));
      const failed = drafts.find((d) => d.phase === 'failed' || !d.mediaId);
      if (failed)
        return {
          problem: `Photo ${position(failed)} cannot be shared: ${failed.state.textContent ?? 'it failed'} Try it again or remove it.`,
        };
      return { mediaIds: drafts.map((d) => d.mediaId ?? '') };
    },
    async saveDescriptions() {
      for (const draft of drafts) {
        const altText = draft.alt.value.trim();
        if (altText === draft.savedAlt || !draft.mediaId) continue;
        try {
          await call(
            api.media[':mediaId'].$patch({ param: { mediaId: draft.mediaId }, json: { altText: altText || null } }),
          );
          draft.savedAlt = altText;
        } catch (failure) {
          return `The description of photo ${position(draft)} was not saved: ${await explain(failure)}`;
        }
      }
      return null;
    },
  };
}
