/**
 * The account part: an export of an account with 1 000 photos (8 MP phone-sized JPEGs as uploaded),
 * its throughput against downloading the finished ZIP through the same Worker (the same bytes read
 * from R2 once, with no ZIP writing and no R2 writes), and its memory: the most bytes the multipart
 * sink held (the job's own log line) and the runtime process's RSS sampled during the export against
 * its RSS just before. Then the erasure of an account with 1 000 posts and 10 000 followers, against
 * the erasure of an empty account (the fixed cost of the request, the queue and the final step).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { localConnectionString } from '../dev/paths.ts';
import {
  insertFollowers,
  insertReadyPosts,
  insertUsers,
  seedPassword,
  signIn,
  sqlClient,
  type Sql,
} from '../dev/seed-sql.ts';
import { toPublicId } from '../src/shared/ids.ts';
import { benchSecret, table, type Stack } from './harness.ts';
import { photoJpeg } from './pipeline.ts';

const MB = 1024 * 1024;
const photoCount = 1000;
/** Distinct 8 MP originals uploaded for real; the other photos' rows name the same originals. */
const photoSizes: [number, number][] = [
  [3264, 2448],
  [3248, 2432],
  [3232, 2416],
  [3216, 2400],
];

interface JobLine {
  job: string;
  userId?: string;
  exportId?: string;
  batches?: number;
  more?: boolean;
  bytes?: number;
  peakBufferedBytes?: number;
}

/** The account jobs' JSON log lines, as the stack prints them. */
function watchJobLines(stack: Stack): { lines: JobLine[]; stop(): void } {
  const lines: JobLine[] = [];
  let buffered = '';
  const stop = stack.onOutput((text) => {
    buffered += text;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) {
      const at = part.indexOf('{"job":"');
      if (at >= 0) lines.push(JSON.parse(part.slice(at)) as JobLine);
    }
  });
  return { lines, stop };
}

/** Sum of the RSS of every workerd process below this one (the local runtime running both Workers). */
function workerdRss(): number {
  const parents = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      names.set(Number(entry), stat.slice(stat.indexOf('(') + 1, close));
      parents.set(Number(entry), Number(stat.slice(close + 2).split(' ')[1]));
    } catch {
      // the process ended while being read
    }
  }
  const below = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) if (p === process.pid) return true;
    return false;
  };
  let total = 0;
  for (const [pid, name] of names) {
    if (name !== 'workerd' || !below(pid)) continue;
    try {
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      total += Number(rss ?? 0) * 1024;
    } catch {
      // gone
    }
  }
  return total;
}

function sampleRss(): { stop(): number } {
  let peak = workerdRss();
  const timer = setInterval(() => (peak = Math.max(peak, workerdRss())), 100);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, workerdRss());
    },
  };
}

async function api<T>(url: string, token: string, init: RequestInit = {}): Promise<T> {
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const response = await fetch(url, { ...init, headers: { ...headers, ...init.headers } });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { data: T }).data;
}

async function uploadReady(base: string, token: string, bytes: Buffer): Promise<void> {
  const form = new FormData();
  form.append('image', new File([new Uint8Array(bytes)], 'photo.jpg', { type: 'image/jpeg' }));
  const response = await fetch(`${base}/images/upload`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
    body: form,
  });
  if (response.status !== 202) throw new Error(`upload: ${response.status} ${await response.text()}`);
  const { postId } = ((await response.json()) as { data: { postId: string } }).data;
  for (;;) {
    const post = await api<{ processingStatus: string }>(`${base}/images/${postId}`, token);
    if (post.processingStatus === 'ready') return;
    if (post.processingStatus === 'failed') throw new Error(`post ${postId} failed`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** More posts for `userId`, each with one ready photo whose original is one of the account's uploaded ones. */
async function clonePhotoPosts(sql: Sql, userId: string, count: number): Promise<void> {
  await sql.transaction([
    sql.query(
      `with originals as (
         select original_key, format, file_size, width, height, metadata,
                row_number() over (order by id) - 1 as i, count(*) over () as n
         from media where user_id = $1
       ), inserted as (
         insert into posts (user_id, caption, tags, privacy, status)
         select $1, 'Bench photo ' || g, '{bench}', 'public', 'ready' from generate_series(1, $2) g
         returning id
       ), numbered as (select id, row_number() over () - 1 as k from inserted)
       insert into media (user_id, post_id, position, status, original_key, image_name, format, file_size, width, height, metadata)
       select $1, p.id, 0, 'ready', o.original_key, 'bench_' || replace(p.id::text, '-', ''), o.format, o.file_size,
              o.width, o.height, o.metadata
       from numbered p join originals o on o.i = p.k % o.n`,
      [userId, count],
    ),
    sql.query(`update users set posts_count = (select count(*) from posts where user_id = $1) where id = $1`, [userId]),
  ]);
}

async function benchExport(stack: Stack, sql: Sql, stamp: string): Promise<void> {
  const base = `${stack.url}/api/v1`;
  console.log(`\n== account: export of ${photoCount} photos (8 MP JPEGs, as uploaded) ==`);
  const [owner = ''] = await insertUsers(sql, `x${stamp}_`, 1);
  const [token = ''] = await signIn(sql, benchSecret, [owner]);
  for (const [width, height] of photoSizes) await uploadReady(base, token, await photoJpeg(width, height, 1));
  await clonePhotoPosts(sql, owner, photoCount - photoSizes.length);

  const jobs = watchJobLines(stack);
  const idleRss = workerdRss();
  const rss = sampleRss();
  const started = performance.now();
  const { exportId } = await api<{ exportId: string }>(`${base}/users/profile/export`, token, { method: 'POST' });
  let state: { status: string; downloadUrl: string | null; size: number | null };
  for (;;) {
    state = await api(`${base}/users/profile/export/${exportId}`, token);
    if (state.status !== 'processing') break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const exportSeconds = (performance.now() - started) / 1000;
  const peakRss = rss.stop();
  jobs.stop();
  if (state.status !== 'ready' || !state.downloadUrl) throw new Error(`export ${exportId} ended ${state.status}`);
  const line = jobs.lines.find((l) => l.job === 'export-account' && l.exportId === exportId);

  // The reference: the same bytes read back from R2 through the same Worker, in one stream.
  const downloadStart = performance.now();
  const response = await fetch(state.downloadUrl);
  let downloaded = 0;
  const reader = response.body?.getReader();
  for (let read = await reader?.read(); read && !read.done; read = await reader?.read())
    downloaded += read.value.byteLength;
  const downloadSeconds = (performance.now() - downloadStart) / 1000;

  const size = state.size ?? 0;
  const exportRate = size / MB / exportSeconds;
  const downloadRate = downloaded / MB / downloadSeconds;
  table([
    { what: 'archive', value: `${(size / MB).toFixed(0)} MB, ${photoCount} photos` },
    { what: 'export (request → ready)', value: `${exportSeconds.toFixed(1)} s` },
    {
      what: 'export throughput',
      value: `${exportRate.toFixed(1)} MB/s, ${(photoCount / exportSeconds).toFixed(0)} photos/s`,
    },
    { what: 'reference: download of the ZIP', value: `${downloadRate.toFixed(1)} MB/s` },
    { what: 'export / reference', value: (exportRate / downloadRate).toFixed(2) },
    { what: 'sink peak held (job log)', value: `${((line?.peakBufferedBytes ?? NaN) / MB).toFixed(1)} MB` },
    { what: 'workerd RSS before', value: `${(idleRss / MB).toFixed(0)} MB` },
    {
      what: 'workerd RSS peak during',
      value: `${(peakRss / MB).toFixed(0)} MB (+${((peakRss - idleRss) / MB).toFixed(0)} MB)`,
    },
  ]);
}

/** DELETE /users/profile, then waits for the account row to go; the job's log lines give steps and batches. */
async function timeErasure(stack: Stack, sql: Sql, userId: string) {
  const jobs = watchJobLines(stack);
  const [token = ''] = await signIn(sql, benchSecret, [userId]);
  const started = performance.now();
  await api(`${stack.url}/api/v1/users/profile`, token, {
    method: 'DELETE',
    body: JSON.stringify({ password: seedPassword }),
  });
  for (;;) {
    const rows = (await sql.query(`select 1 from users where id = $1`, [userId])) as unknown[];
    if (rows.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const seconds = (performance.now() - started) / 1000;
  jobs.stop();
  const steps = jobs.lines.filter((l) => l.job === 'erase-account' && l.userId === toPublicId('user', userId));
  return { seconds, steps: steps.length, batches: steps.reduce((sum, l) => sum + (l.batches ?? 0), 0) };
}

async function benchErasure(stack: Stack, sql: Sql, stamp: string): Promise<void> {
  console.log('\n== account: erasure of 1 000 posts and 10 000 followers, against an empty account ==');
  const [owner = '', empty = ''] = await insertUsers(sql, `d${stamp}_`, 2);
  const followers = await insertUsers(sql, `f${stamp}_`, 10_000);
  await insertReadyPosts(sql, [owner], 1000);
  await insertFollowers(sql, owner, followers);
  await sql.query('analyze follows');

  const reference = await timeErasure(stack, sql, empty);
  const heavy = await timeErasure(stack, sql, owner);
  const drift = (await sql.query(
    `select count(*)::int as n from users u where u.id = any($1::uuid[])
     and u.following_count <> (select count(*) from follows where follower_id = u.id)`,
    [followers],
  )) as { n: number }[];
  table([
    { account: 'empty', seconds: reference.seconds.toFixed(2), steps: reference.steps, batches: reference.batches },
    {
      account: '1 000 posts, 10 000 followers',
      seconds: heavy.seconds.toFixed(2),
      steps: heavy.steps,
      batches: heavy.batches,
    },
  ]);
  console.log(
    `erasure / empty account: ${(heavy.seconds / reference.seconds).toFixed(1)}×; followers whose following_count drifted: ${drift[0]?.n ?? '?'}`,
  );
}

export async function benchAccount(stack: Stack): Promise<void> {
  const sql = sqlClient(localConnectionString, stack.db.sqlEndpoint);
  const stamp = Date.now().toString(36);
  await benchExport(stack, sql, stamp);
  await benchErasure(stack, sql, stamp);
}
