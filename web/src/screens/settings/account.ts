/**
 * The "Your account" settings section: change the password, download everything the account holds,
 * delete the account. The last two are background jobs on the server (docs/accounts.md): an export
 * is polled until its link is ready; a deletion is final at once, so the person is signed out.
 */
import { api, call, type DataOf } from '../../api/client';
import { ApiError, explain } from '../../api/errors';
import { clearSession, currentSession, saveSession } from '../../api/session';
import { navigate, type Route } from '../../router';
import { errorLine, h, replaceChildren, statusLine, timeAgo } from '../../ui/dom';
import { toast } from '../../ui/toast';

type ExportState = DataOf<Awaited<ReturnType<(typeof api.users.profile.export)[':exportId']['$get']>>>;

const pollMilliseconds = 2000;

function passwordField(id: string, label: string, autocomplete: string, hint?: string): HTMLElement {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h('input', {
      id,
      name: id,
      type: 'password',
      autocomplete,
      required: true,
      maxlength: 128,
      ...(autocomplete === 'new-password' ? { minlength: 8 } : {}),
      'aria-describedby': hint ? `${id}-hint` : null,
    }),
    hint && h('small', { id: `${id}-hint`, class: 'muted' }, hint),
  );
}

const text = (form: HTMLFormElement, name: string) => (new FormData(form).get(name) as string | null) ?? '';

function changePasswordForm(): HTMLElement {
  const error = errorLine();
  const status = statusLine();
  const button = h('button', { type: 'submit' }, 'Change password');
  const form = h(
    'form',
    { class: 'stack', 'aria-labelledby': 'password-heading' },
    passwordField('current-password', 'Current password', 'current-password'),
    passwordField('new-password', 'New password', 'new-password', 'At least 8 characters.'),
    error,
    status,
    button,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    error.textContent = status.textContent = '';
    try {
      const json = { currentPassword: text(form, 'current-password'), newPassword: text(form, 'new-password') };
      // Every session of the account ends, this one too: only the fresh tokens of the answer work now.
      saveSession(await call(api.auth.password.$post({ json })));
      form.reset();
      status.textContent = 'Your password is changed. Every other device has been signed out.';
    } catch (failure) {
      error.textContent = await explain(failure);
    }
    button.disabled = false;
  });
  return h('div', { class: 'stack' }, h('h2', { id: 'password-heading' }, 'Change your password'), form);
}

/** The id of the person's latest export, so the link is still found after a reload. */
const exportMemory = {
  key: () => `lumen.export.${currentSession()?.userId ?? ''}`,
  get: () => localStorage.getItem(exportMemory.key()),
  set: (exportId: string) => localStorage.setItem(exportMemory.key(), exportId),
  forget: () => localStorage.removeItem(exportMemory.key()),
};

function pause(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, milliseconds);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

const megabytes = (bytes: number) =>
  bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

function exportPanel(signal: AbortSignal): HTMLElement {
  const body = h('div', { class: 'stack', 'aria-live': 'polite' });
  const error = errorLine();
  const fetchState = (exportId: string) => call(api.users.profile.export[':exportId'].$get({ param: { exportId } }));

  const requestButton = (label: string) =>
    h(
      'button',
      {
        type: 'button',
        class: 'ghost',
        onclick: async (event: Event) => {
          (event.currentTarget as HTMLButtonElement).disabled = true;
          error.textContent = '';
          try {
            const started = await call(api.users.profile.export.$post());
            exportMemory.set(started.exportId);
            await follow(started.exportId);
          } catch (failure) {
            error.textContent = await explain(failure);
            showIdle();
          }
        },
      },
      label,
    );

  const showIdle = () => replaceChildren(body, requestButton('Request my data'));

  const show = (state: ExportState) => {
    if (state.status === 'processing')
      replaceChildren(
        body,
        h('progress', { 'aria-label': 'Preparing your archive' }),
        h(
          'p',
          { role: 'status' },
          `Preparing your archive (asked ${timeAgo(state.createdAt)}). You can leave this page: it carries on, and the link appears here when it is ready.`,
        ),
      );
    else if (state.status === 'ready' && state.downloadUrl)
      replaceChildren(
        body,
        h(
          'p',
          {},
          h(
            'a',
            { href: state.downloadUrl, download: '', class: 'button', 'data-export-id': state.exportId },
            `Download my data (ZIP, ${megabytes(state.size ?? 0)})`,
          ),
        ),
        h(
          'p',
          { class: 'muted' },
          `Available until ${new Date(state.expiresAt).toLocaleString()}, then deleted. The link works for an hour; open this page again for a fresh one.`,
        ),
        requestButton('Prepare a new archive'),
      );
    else
      replaceChildren(
        body,
        h('p', { role: 'alert', class: 'error' }, 'Your archive could not be made. Please ask again.'),
        requestButton('Request my data'),
      );
  };

  /** Shows the export and, while it is being built, asks again every few seconds until it is done. */
  async function follow(exportId: string): Promise<void> {
    for (;;) {
      const state = await fetchState(exportId);
      if (signal.aborted) return;
      show(state);
      if (state.status !== 'processing') return;
      await pause(pollMilliseconds, signal);
      if (signal.aborted) return;
    }
  }

  const remembered = exportMemory.get();
  if (remembered)
    follow(remembered).catch(async (failure: unknown) => {
      // Expired (7 days) or never ours: forget it and offer a new one.
      if (failure instanceof ApiError && failure.code === 'NOT_FOUND') exportMemory.forget();
      else error.textContent = await explain(failure);
      showIdle();
    });
  else showIdle();

  return h(
    'div',
    { class: 'stack' },
    h('h2', {}, 'Download your data'),
    h(
      'p',
      { class: 'muted' },
      'One ZIP file with your profile, posts, comments, likes, followers and the people you follow, blocks and mutes as JSON, and every photo exactly as you uploaded it. It is kept for 7 days.',
    ),
    body,
    error,
  );
}

function deleteAccountForm(username: string): HTMLElement {
  const error = errorLine();
  const confirmation = h('input', {
    id: 'delete-confirmation',
    name: 'delete-confirmation',
    autocomplete: 'off',
    autocapitalize: 'none',
    spellcheck: false,
    required: true,
  });
  const button = h('button', { type: 'submit', class: 'ghost danger', disabled: true }, 'Delete my account forever');
  const matches = () => confirmation.value.trim().toLowerCase() === username.toLowerCase();
  confirmation.addEventListener('input', () => (button.disabled = !matches()));
  const form = h(
    'form',
    { class: 'stack', 'aria-labelledby': 'delete-heading' },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'delete-confirmation' }, `Type your username, ${username}, to confirm`),
      confirmation,
    ),
    passwordField('delete-password', 'Your password', 'current-password'),
    error,
    button,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!matches()) return;
    button.disabled = true;
    error.textContent = '';
    try {
      await call(api.users.profile.$delete({ json: { password: text(form, 'delete-password') } }));
    } catch (failure) {
      error.textContent = await explain(failure);
      button.disabled = false;
      return;
    }
    // The server has already ended every session of the account: nothing is left to sign out of.
    exportMemory.forget();
    clearSession();
    toast('Your account has been deleted. Everything in it is being erased.');
    navigate('/signin', { replace: true });
  });
  return h(
    'div',
    { class: 'stack' },
    h('h2', { id: 'delete-heading' }, 'Delete your account'),
    h(
      'p',
      {},
      'This cannot be undone. Your profile disappears at once; your posts and photos, comments, likes, follows, notifications and exports are then erased. Download your data first if you want to keep it.',
    ),
    form,
  );
}

export async function accountSection({ signal }: Route): Promise<Node> {
  const me = await call(api.users.profile.$get());
  return h('div', { class: 'stack' }, changePasswordForm(), exportPanel(signal), deleteAccountForm(me.username));
}
