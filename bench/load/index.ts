/**
 * `npm run bench load [-- --people N --seconds T --faults]`: N simulated people use the platform
 * at once for T seconds (person.ts, mix.ts), then the end checks (checks.ts) ask the API whether
 * anything was lost. Prints throughput and p50/p99 per route; any failed check, 5xx, network error
 * or unexpected answer makes the process exit non-zero.
 */
import { randomBytes } from 'node:crypto';
import type { Stack } from '../harness.ts';
import { Client } from './client.ts';
import { EndChecks } from './checks.ts';
import { defaultFaultPlan, type DatabaseFaultProxy } from './faults.ts';
import { Ledger } from './ledger.ts';
import { nextAction, thinkMilliseconds } from './mix.ts';
import type { LoadOptions } from './options.ts';
import { Person } from './person.ts';
import { countProcessorOutcomes } from './processor-log.ts';
import { makePhotos } from './photos.ts';
import { Stats, type Problem } from './stats.ts';

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** A client address of each person's own, in the documentation prefix (it is only ever a header's value). */
const addressOf = (index: number) => `2001:db8::10ad:${index.toString(16)}`;

/** One person's whole visit: arrive, look around a first time, then act and think until the end. */
async function live(person: Person, deadline: number): Promise<void> {
  if (!(await person.arrive())) return;
  for (const first of [() => person.upload(), () => person.follow(), () => person.follow(), () => person.explore()]) {
    if (performance.now() >= deadline) return;
    await first();
    await sleep(Math.max(0, Math.min(thinkMilliseconds(), deadline - performance.now())));
  }
  while (performance.now() < deadline) {
    await nextAction()(person);
    await sleep(Math.max(0, Math.min(thinkMilliseconds(), deadline - performance.now())));
  }
}

function printProblems(title: string, problems: Problem[]): void {
  if (!problems.length) return;
  console.log(`\n${title}: ${problems.length}`);
  for (const problem of problems.slice(0, 30)) console.log(`  ${problem.route} → ${problem.status}: ${problem.detail}`);
}

export async function benchLoad(stack: Stack, options: LoadOptions, faults?: DatabaseFaultProxy): Promise<void> {
  const api = `${stack.url}/api/v1`;
  const photos = await makePhotos();
  const run = randomBytes(3).toString('hex');
  const stats = new Stats();
  const ledger = new Ledger();
  console.log(
    `\nLoad: ${options.people} people for ${options.seconds} s${faults ? ', the processor losing its database for a while, repeatedly' : ''}`,
  );
  const settleSeconds = faults ? 300 : 180;
  const deadline = performance.now() + options.seconds * 1000;
  const people = Array.from(
    { length: options.people },
    (_, i) => new Person(new Client(api, addressOf(i), stats, deadline), api, ledger, stats, photos, i, run),
  );
  // People arrive over the first tenth of the run (at most 10 s), not in one instant.
  const arrivalSpread = Math.min(10, options.seconds / 10) * 1000;
  const processor = countProcessorOutcomes(stack);
  stats.start();
  // The outages go on while the checks wait for the backlog of uploads, which is mostly processed then.
  faults?.schedule(defaultFaultPlan, options.seconds + settleSeconds);
  await Promise.all(
    people.map(async (person, i) => {
      await sleep((i / options.people) * arrivalSpread);
      await live(person, deadline);
    }),
  );
  stats.stop();
  console.log(
    `\n${stats.total} requests in ${stats.seconds.toFixed(0)} s: ${(stats.total / stats.seconds).toFixed(1)}/s`,
  );
  console.table(stats.rows());

  const checkStats = new Stats();
  for (const person of people) person.client.useStats(checkStats);
  const checks = new EndChecks(ledger, people, {
    failedAllowed: Boolean(faults),
    settleSeconds,
    deliverySeconds: 30,
  });
  await checks.run(() => {
    if (!faults) return;
    faults.endOutages();
    const outages = faults.outages.map((o) => `${o.startSecond}–${o.endSecond} s`).join(', ');
    console.log(
      `Processor database outages: ${outages}; ${faults.dropped} of its requests dropped, ${faults.forwarded} served`,
    );
  });
  processor.stop();
  for (const person of people) person.socket.close();
  console.log(`\nProcessor job outcomes: ${JSON.stringify(processor.counts)}`);
  const errors = Object.entries(processor.errors).sort((a, b) => b[1] - a[1]);
  for (const [error, count] of errors.slice(0, 5)) console.log(`  ${count} × ${error}`);
  console.log('\nEnd checks:');
  console.table([checks.summary]);
  printProblems('Unexpected answers during the run', stats.problems);
  printProblems('Unexpected answers during the checks', checkStats.problems);
  const failures = [...checks.failures];
  if (stats.problems.length) failures.push(`${stats.problems.length} unexpected answers during the run`);
  if (checkStats.problems.length) failures.push(`${checkStats.problems.length} unexpected answers during the checks`);
  if (people.some((person) => !person.record)) failures.push('not everyone could sign up');
  if (failures.length) {
    console.log(`\nLOAD TEST FAILED (${failures.length}):`);
    for (const failure of failures.slice(0, 50)) console.log(`  ${failure}`);
    process.exitCode = 1;
  } else console.log('\nLoad test passed: nothing lost, no 5xx.');
}
