/**
 * Upload → `ready` over HTTP against the running stack (wrangler dev with the processor beside the
 * API), interleaved with sharp making the same three variants from the same bytes in this process.
 * The stage breakdown comes from the processor's own log line for each job (src/processor/stage-marks.ts):
 * accepted (the upload request), queued (send → handler), read (database + R2), processing,
 * stored (three R2 puts), marked ready (database, cache, fan-out send); "seen" is what is left
 * until the client's poll (every 10 ms) sees `ready`.
 */
import sharp from 'sharp';
import { localConnectionString } from '../dev/paths.ts';
import { insertUsers, signIn, sqlClient } from '../dev/seed-sql.ts';
import { benchSecret, type Stack } from './harness.ts';
import { median, photoJpeg, runSharp } from './pipeline-shared.ts';

interface Case {
  width: number;
  height: number;
  orientation: number;
  rounds: number;
}

const aligned = (c: Case) => c.width % 16 === 0 && c.height % 16 === 0;

/** 0.3, 3, 12 and 24 MP; orientations 1 and 6; 12 MP both with whole 16 px blocks and not (Samsung's 4000 × 3000). */
const CASES: Case[] = [
  ...[1, 6].map((orientation) => ({ width: 640, height: 480, orientation, rounds: 10 })),
  ...[1, 6].map((orientation) => ({ width: 2048, height: 1536, orientation, rounds: 3 })),
  ...[1, 6].map((orientation) => ({ width: 4032, height: 3024, orientation, rounds: 5 })),
  ...[1, 6].map((orientation) => ({ width: 4000, height: 3000, orientation, rounds: 5 })),
  ...[1, 6].map((orientation) => ({ width: 5664, height: 4248, orientation, rounds: 3 })),
];

/** `BENCH_E2E_SIZES=640x480,4000x3000` runs only those sizes (all by default). */
function selectedCases(): Case[] {
  const wanted = process.env.BENCH_E2E_SIZES?.split(',').filter(Boolean);
  return wanted ? CASES.filter((c) => wanted.includes(`${c.width}x${c.height}`)) : CASES;
}

const STAGES = ['queued', 'read', 'processing', 'stored', 'markedReady'] as const;

interface JobLog {
  outcome: string;
  stages: Partial<Record<(typeof STAGES)[number], number>>;
}

/** The processor's JSON log lines for finished jobs, in the order they are printed. */
function watchJobLogs(stack: Stack): { next(): Promise<JobLog>; stop(): void } {
  const logs: JobLog[] = [];
  const waiting: ((log: JobLog) => void)[] = [];
  let buffered = '';
  const stop = stack.onOutput((text) => {
    buffered += text;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const at = line.indexOf('{"worker":"processor"');
      if (at < 0) continue;
      const log = JSON.parse(line.slice(at)) as JobLog & { stages?: JobLog['stages'] };
      if (!log.stages) continue;
      const resolve = waiting.shift();
      if (resolve) resolve(log);
      else logs.push(log);
    }
  });
  return {
    next: () => {
      const log = logs.shift();
      return log ? Promise.resolve(log) : new Promise((resolve) => waiting.push(resolve));
    },
    stop,
  };
}

interface Run {
  totalMs: number;
  acceptedMs: number;
  job: JobLog;
}

async function uploadUntilReady(api: string, token: string, bytes: Buffer, jobs: ReturnType<typeof watchJobLogs>) {
  const form = new FormData();
  form.append('image', new File([new Uint8Array(bytes)], 'photo.jpg', { type: 'image/jpeg' }));
  const start = performance.now();
  const response = await fetch(`${api}/images/upload`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
    body: form,
  });
  const acceptedMs = performance.now() - start;
  if (response.status !== 202) throw new Error(`upload: ${response.status} ${await response.text()}`);
  const { data } = (await response.json()) as { data: { postId: string } };
  for (;;) {
    const poll = await fetch(`${api}/images/${data.postId}`, { headers: { Authorization: `Bearer ${token}` } });
    const { data: post } = (await poll.json()) as { data: { processingStatus: string } };
    if (post.processingStatus === 'ready') break;
    if (post.processingStatus === 'failed') throw new Error(`post ${data.postId} failed`);
    if (performance.now() - start > READY_TIMEOUT_MS) {
      throw new Error(`not ready after ${READY_TIMEOUT_MS / 1000} s (${post.processingStatus})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const totalMs = performance.now() - start;
  return {
    totalMs,
    acceptedMs,
    job: await withTimeout(jobs.next(), LOG_TIMEOUT_MS, 'no processor log line'),
  } satisfies Run;
}

/**
 * A job can be lost when wrangler dev reloads the processor (it watches src/, so an edit there
 * during a run restarts it): a case then ends with its reason instead of waiting for ever.
 */
const READY_TIMEOUT_MS = 120_000;
const LOG_TIMEOUT_MS = 10_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function benchPipelineEndToEnd(stack: Stack): Promise<void> {
  sharp.concurrency(1);
  sharp.cache(false);
  const sql = sqlClient(localConnectionString, stack.db.sqlEndpoint);
  const api = `${stack.url}/api/v1`;
  // One uploader per case: the upload rate limit (30 a minute) is per user.
  const cases = selectedCases();
  const users = await insertUsers(sql, `e2e${Date.now().toString(36)}_`, cases.length + 1);
  const tokens = await signIn(sql, benchSecret, users.map(String));
  const jobs = watchJobLogs(stack);
  console.log('\n== pipeline, end to end: upload → ready over HTTP (wrangler dev), against sharp on the same bytes ==');
  try {
    // Warm-up: the processor's isolate, its codecs and the database connection.
    await uploadUntilReady(api, tokens[cases.length]!, await photoJpeg(640, 480, 6), jobs);
    const rows: Record<string, string | number>[] = [];
    for (const [index, c] of cases.entries()) {
      const bytes = await photoJpeg(c.width, c.height, c.orientation);
      const name = `${c.width}×${c.height} (${((c.width * c.height) / 1e6).toFixed(1)} MP) o${c.orientation}${aligned(c) ? '' : ', not aligned'}`;
      await runSharp(bytes);
      const ours: Run[] = [];
      const theirs: number[] = [];
      try {
        for (let round = 0; round < c.rounds; round++) {
          ours.push(await uploadUntilReady(api, tokens[index]!, bytes, jobs));
          theirs.push((await runSharp(bytes)).totalMs);
        }
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        console.log(`  ${name}: ${reason} (round ${ours.length + 1} of ${c.rounds}); the case is left out`);
        rows.push({ input: name, rounds: c.rounds, 'ready p50 ms': `error: ${reason}` });
        continue;
      }
      const total = median(ours.map((run) => run.totalMs));
      const sharpMs = median(theirs);
      const stage = (name: (typeof STAGES)[number]) => median(ours.map((run) => run.job.stages[name] ?? 0));
      const processing = stage('processing');
      const accounted = median(ours.map((run) => run.acceptedMs)) + STAGES.reduce((sum, name) => sum + stage(name), 0);
      rows.push({
        input: name,
        rounds: c.rounds,
        'ready p50 ms': total.toFixed(0),
        accepted: median(ours.map((run) => run.acceptedMs)).toFixed(0),
        ...Object.fromEntries(STAGES.map((name) => [name, stage(name).toFixed(0)])),
        seen: Math.max(0, total - accounted).toFixed(0),
        'sharp ms': sharpMs.toFixed(0),
        'job/sharp': `${(total / sharpMs).toFixed(2)}×`,
        'processing/sharp': `${(processing / sharpMs).toFixed(2)}×`,
      });
    }
    console.table(rows);
    console.log(
      "Medians in ms. job/sharp: upload → ready (whole job) over sharp making the three variants; processing/sharp: the processor's image work alone (workerd).",
    );
  } finally {
    jobs.stop();
  }
}
