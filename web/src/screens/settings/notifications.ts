/**
 * The "Notifications" settings section: who may notify the person of likes, comments and follows
 * (saved as each choice changes), and the switch that makes this browser a Web Push device.
 */
import { api, call, type DataOf } from '../../api/client';
import { explain } from '../../api/errors';
import { DeviceError, deviceState, disableDevice, enableDevice, type DeviceState } from '../../push/device';
import { errorLine, h, statusLine } from '../../ui/dom';

type Preferences = DataOf<Awaited<ReturnType<typeof api.notifications.preferences.$get>>>;
type Kind = keyof Preferences;

const kinds: { kind: Kind; label: string }[] = [
  { kind: 'like', label: 'Likes on your photos' },
  { kind: 'comment', label: 'Comments on your photos' },
  { kind: 'follow', label: 'New followers' },
];

const audiences: { value: Preferences[Kind]; label: string }[] = [
  { value: 'everyone', label: 'From everyone' },
  { value: 'following', label: 'From people you follow' },
  { value: 'off', label: 'Off' },
];

function preferencesForm(preferences: Preferences): HTMLElement {
  const status = statusLine();
  const error = errorLine();
  const saved = { ...preferences };
  const select = ({ kind, label }: (typeof kinds)[number]) => {
    const id = `notify-${kind}`;
    const control = h(
      'select',
      { id, name: kind },
      audiences.map(({ value, label }) => h('option', { value, selected: value === saved[kind] }, label)),
    );
    control.addEventListener('change', async () => {
      const value = control.value as Preferences[Kind];
      error.textContent = '';
      status.textContent = 'Saving…';
      try {
        Object.assign(saved, await call(api.notifications.preferences.$patch({ json: { [kind]: value } })));
        status.textContent = 'Saved.';
      } catch (failure) {
        control.value = saved[kind];
        status.textContent = '';
        error.textContent = await explain(failure);
      }
    });
    return h('div', { class: 'field' }, h('label', { for: id }, label), control);
  };
  return h('div', { class: 'stack' }, ...kinds.map(select), status, error);
}

const explanations: Record<DeviceState, string> = {
  unsupported:
    'This browser cannot receive notifications from Lumen. On iPhone and iPad, add Lumen to the home screen first.',
  denied:
    'Notifications are blocked for Lumen in this browser. Allow them in the site settings (the icon beside the address), then come back here.',
  off: 'Get a notification on this device even when Lumen is closed.',
  on: 'This device gets a notification for each of the above.',
};

function explainDevice(error: unknown): Promise<string> | string {
  if (!(error instanceof DeviceError)) return explain(error);
  if (error.reason === 'dismissed') return 'Notifications were not allowed. Switch on again to be asked again.';
  if (error.reason === 'no-server-key') return 'This server does not send push notifications.';
  return explanations[error.reason === 'denied' ? 'denied' : 'unsupported'];
}

async function deviceSwitch(): Promise<HTMLElement> {
  const hint = h('p', { id: 'push-device-hint', class: 'muted' });
  const error = errorLine();
  const control = h('input', {
    id: 'push-device',
    type: 'checkbox',
    role: 'switch',
    class: 'switch',
    'aria-describedby': 'push-device-hint',
  });
  const show = (state: DeviceState) => {
    control.checked = state === 'on';
    control.disabled = state === 'unsupported' || state === 'denied';
    hint.textContent = explanations[state];
  };
  show(await deviceState());
  control.addEventListener('change', async () => {
    const wanted = control.checked;
    control.disabled = true;
    error.textContent = '';
    try {
      await (wanted ? enableDevice() : disableDevice());
    } catch (failure) {
      error.textContent = await explainDevice(failure);
    }
    show(await deviceState());
  });
  return h(
    'div',
    { class: 'stack' },
    h('div', { class: 'row' }, control, h('label', { for: 'push-device' }, 'Enable notifications on this device')),
    hint,
    error,
  );
}

export async function notificationsSection(): Promise<Node> {
  const [preferences, device] = await Promise.all([call(api.notifications.preferences.$get()), deviceSwitch()]);
  return h(
    'div',
    { class: 'stack' },
    h('h2', {}, 'Who may notify you'),
    h('p', { class: 'muted' }, 'Applies to the notifications list and to this and your other devices.'),
    preferencesForm(preferences),
    h('h2', {}, 'This device'),
    device,
  );
}
