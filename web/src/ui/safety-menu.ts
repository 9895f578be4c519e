/**
 * The "more" menu beside a profile, a post or a comment: block, mute, report. A menu button
 * (WAI-ARIA menu pattern): Enter, Space or ArrowDown opens it on the first item, arrows move,
 * Escape closes it and gives focus back to the button.
 */
import { api, call } from '../api/client';
import { explain } from '../api/errors';
import { h } from './dom';
import { toast } from './toast';

export interface MenuItem {
  label: string;
  run: () => Promise<void> | void;
}

let menus = 0;

export function actionMenu(label: string, items: MenuItem[]): HTMLElement {
  const id = `menu-${++menus}`;
  const button = h(
    'button',
    {
      type: 'button',
      class: 'ghost menu-button',
      'aria-haspopup': 'menu',
      'aria-expanded': 'false',
      'aria-controls': id,
      'aria-label': label,
    },
    '⋯',
  );
  const list = h('ul', { id, role: 'menu', class: 'menu', hidden: true, 'aria-label': label });
  const entries = items.map((item) => {
    const entry = h('button', { type: 'button', role: 'menuitem', tabindex: '-1' }, item.label);
    entry.addEventListener('click', async () => {
      close();
      try {
        await item.run();
      } catch (error) {
        toast(await explain(error));
      }
    });
    list.appendChild(h('li', { role: 'none' }, entry));
    return entry;
  });
  const focusAt = (index: number) => entries[(index + entries.length) % entries.length]?.focus();
  function open() {
    list.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    focusAt(0);
  }
  function close() {
    list.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    button.focus();
  }
  button.addEventListener('click', () => (list.hidden ? open() : close()));
  button.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      open();
    }
  });
  list.addEventListener('keydown', (event) => {
    const index = entries.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === 'Escape') close();
    else if (event.key === 'ArrowDown') focusAt(index + 1);
    else if (event.key === 'ArrowUp') focusAt(index - 1);
    else if (event.key === 'Home') focusAt(0);
    else if (event.key === 'End') focusAt(-1);
    else return;
    event.preventDefault();
  });
  list.addEventListener('focusout', (event) => {
    if (!list.contains(event.relatedTarget as Node | null) && event.relatedTarget !== button) {
      list.hidden = true;
      button.setAttribute('aria-expanded', 'false');
    }
  });
  return h('div', { class: 'menu-wrap' }, button, list);
}

const reasons = ['spam', 'harassment', 'nudity', 'violence', 'illegal', 'other'] as const;
type Reason = (typeof reasons)[number];

/** A modal dialog asking why, then the report; the browser's <dialog> keeps focus inside it. */
export function reportDialog(targetType: 'post' | 'comment' | 'user', targetId: string, what: string): Promise<void> {
  return new Promise((resolve) => {
    const reason = h(
      'select',
      { id: 'report-reason', name: 'reason', required: true },
      reasons.map((r) => h('option', { value: r }, r)),
    );
    const comment = h('textarea', { id: 'report-comment', name: 'comment', rows: 3, maxlength: 1000 });
    const form = h(
      'form',
      { method: 'dialog', class: 'stack' },
      h('h2', {}, `Report ${what}`),
      h('div', { class: 'field' }, h('label', { for: 'report-reason' }, 'Reason'), reason),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'report-comment' }, 'Anything moderators should know (optional)'),
        comment,
      ),
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'submit', value: 'send' }, 'Send report'),
        h('button', { type: 'submit', value: 'cancel', class: 'ghost', formnovalidate: true }, 'Cancel'),
      ),
    );
    const dialog = h('dialog', { class: 'report-dialog', 'aria-label': `Report ${what}` }, form);
    document.body.appendChild(dialog);
    dialog.addEventListener('close', async () => {
      dialog.remove();
      if (dialog.returnValue === 'send') {
        try {
          await call(
            api.reports.$post({
              json: {
                targetType,
                targetId,
                reason: reason.value as Reason,
                ...(comment.value.trim() && { comment: comment.value }),
              },
            }),
          );
          toast('Thanks — moderators will look at it.');
        } catch (error) {
          toast(await explain(error));
        }
      }
      resolve();
    });
    dialog.showModal();
  });
}

export async function setBlocked(userId: string, blocked: boolean): Promise<void> {
  const relation = api.users[':userId'].block;
  await call(blocked ? relation.$post({ param: { userId } }) : relation.$delete({ param: { userId } }));
  toast(blocked ? 'Blocked. You will not see each other.' : 'Unblocked.');
}

export async function setMuted(userId: string, muted: boolean): Promise<void> {
  const relation = api.users[':userId'].mute;
  await call(muted ? relation.$post({ param: { userId } }) : relation.$delete({ param: { userId } }));
  toast(muted ? 'Muted. Their posts leave your feed; they are not told.' : 'Unmuted.');
}
