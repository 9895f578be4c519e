/** For moderators: the report queue with previews and resolve actions, and the moderation log. */
import type { InferResponseType } from 'hono/client';
import { api, call } from '../api/client';
import { explain } from '../api/errors';
import type { Route } from '../router';
import { h, timeAgo } from '../ui/dom';
import { infiniteList } from '../ui/infinite-list';
import { toast } from '../ui/toast';

type Report = Extract<
  InferResponseType<typeof api.moderation.reports.$get, 200>,
  { success: true }
>['data']['reports'][number];
type Action = 'dismiss' | 'remove' | 'suspend';

const actionLabels: Record<Action, string> = { dismiss: 'Dismiss', remove: 'Remove', suspend: 'Suspend account' };

function preview(report: Report): Node {
  const { target } = report;
  const link =
    target.type === 'post'
      ? `/p/${target.id}`
      : target.type === 'comment' && target.postId
        ? `/p/${target.postId}`
        : `/u/${target.userId}`;
  return h(
    'div',
    { class: 'report-target' },
    target.thumbnailUrl &&
      h('img', { src: target.thumbnailUrl, alt: `The reported post by ${target.username}`, width: 160 }),
    h(
      'p',
      {},
      h('strong', {}, `${target.type} by `),
      h('a', { href: link }, target.username),
      target.caption ? `: “${target.caption}”` : '',
      target.content ? `: “${target.content}”` : '',
    ),
  );
}

type LogEntry = Awaited<ReturnType<typeof loadLogPage>>['actions'][number];

async function loadLogPage(query: { limit: string; cursor?: string }) {
  return call(api.moderation.log.$get({ query }));
}

function logEntry(entry: LogEntry): HTMLElement {
  return h(
    'li',
    {},
    `${entry.moderator.username ?? entry.moderator.userId} — ${entry.action} ${entry.target.type} ${entry.target.id}`,
    entry.note ? ` (“${entry.note}”)` : '',
    ' ',
    h('time', { datetime: entry.createdAt, class: 'muted' }, timeAgo(entry.createdAt)),
  );
}

function reportCard(report: Report, onResolved: () => Promise<void>): HTMLElement {
  const note = h('input', {
    name: 'note',
    maxlength: 1000,
    placeholder: 'Note for the log (optional)',
    'aria-label': 'Note',
  });
  const card = h(
    'li',
    { class: 'report', 'data-report-id': report.reportId },
    preview(report),
    h(
      'p',
      { class: 'muted' },
      `${report.reason} · reported by ${report.reporter.username ?? 'someone'} ${timeAgo(report.createdAt)} · ${report.reportCount} open report${report.reportCount === 1 ? '' : 's'}`,
    ),
    report.comment && h('p', {}, report.comment),
  );
  if (report.status === 'open') {
    const buttons = (Object.keys(actionLabels) as Action[]).map((action) =>
      h(
        'button',
        {
          type: 'button',
          class: action === 'dismiss' ? 'ghost' : 'ghost danger',
          onclick: async () => {
            try {
              await call(
                api.moderation.reports[':reportId'].resolve.$post({
                  param: { reportId: report.reportId },
                  json: { action, ...(note.value.trim() && { note: note.value }) },
                }),
              );
              card.remove();
              toast(`Resolved: ${actionLabels[action].toLowerCase()}.`);
              await onResolved();
            } catch (error) {
              toast(await explain(error));
            }
          },
        },
        actionLabels[action],
      ),
    );
    card.appendChild(h('div', { class: 'row' }, note, buttons));
  } else if (report.resolution) {
    card.appendChild(
      h(
        'p',
        { class: 'muted' },
        `Resolved: ${report.resolution.action}${report.resolution.note ? ` — ${report.resolution.note}` : ''}`,
      ),
    );
  }
  return card;
}

export function moderationScreen({ query, signal }: Route): Node {
  const status = query.get('status') === 'resolved' ? 'resolved' : 'open';
  const queue = h('ul', { class: 'reports', 'aria-label': 'Reports' });
  const queueEnd = infiniteList({
    container: queue,
    signal,
    load: async (cursor) => {
      const page = await call(
        api.moderation.reports.$get({ query: { status, limit: '20', ...(cursor ? { cursor } : {}) } }),
      );
      return { items: page.reports, next: page.pagination.hasMore ? page.pagination.nextCursor : null };
    },
    renderItem: (report) => reportCard(report, showNewestAction),
    empty: () => h('p', { class: 'empty' }, status === 'open' ? 'No open reports.' : 'Nothing resolved yet.'),
  });
  const log = h('ol', { class: 'log', 'aria-label': 'Moderation log' });
  let noActionsYet: Node | undefined;
  const logEnd = infiniteList({
    container: log,
    signal,
    load: async (cursor) => {
      const page = await loadLogPage({ limit: '30', ...(cursor ? { cursor } : {}) });
      return { items: page.actions, next: page.pagination.hasMore ? page.pagination.nextCursor : null };
    },
    renderItem: logEntry,
    empty: () => (noActionsYet = h('p', { class: 'empty' }, 'No actions yet.')),
  });
  // The action just taken goes on top of the log at once, so the moderator sees it was recorded.
  async function showNewestAction(): Promise<void> {
    const page = await loadLogPage({ limit: '1' });
    const [newest] = page.actions;
    if (!newest) return;
    if (!log.isConnected && noActionsYet?.parentNode) noActionsYet.parentNode.replaceChild(log, noActionsYet);
    log.insertBefore(logEntry(newest), log.firstChild);
  }
  return h(
    'section',
    { class: 'moderation' },
    h('h1', {}, 'Moderation'),
    h(
      'nav',
      { 'aria-label': 'Report status' },
      h('a', { href: '/moderation', 'aria-current': status === 'open' ? 'page' : null }, 'Open'),
      ' · ',
      h(
        'a',
        { href: '/moderation?status=resolved', 'aria-current': status === 'resolved' ? 'page' : null },
        'Resolved',
      ),
    ),
    h('h2', {}, status === 'open' ? 'Open reports, oldest first' : 'Resolved reports'),
    queue,
    queueEnd,
    h('h2', {}, 'Log'),
    log,
    logEnd,
  );
}
