/**
 * Benchmarks run against the real stack, as `npm run dev` runs it: wrangler dev (workerd) in front
 * of the dev database server, with throwaway state. Every figure is printed beside a reference
 * measured in the same run, because these machines are shared and absolute times drift.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDbServer, type DbServer } from '../dev/db-server/server.ts';
import { localConnectionString } from '../dev/paths.ts';
import { generateVapidKeys, writeProcessorDevVars } from '../dev/dev-vars.ts';
import { startWranglerDev, type WranglerDev } from '../dev/wrangler-dev.ts';
import { applyMigrations } from '../scripts/migrate.ts';

/** The benchmark stack signs with this, so benchmarks can mint tokens for seeded users. */
export const benchSecret = 'benchmark-only-secret-0123456789abcdef';

export interface Stack {
  url: string;
  db: DbServer;
  /** Calls `listener` with each chunk wrangler prints from now on; returns a function that stops it. */
  onOutput(listener: (text: string) => void): () => void;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface StackOptions {
  /**
   * Where the processor Worker reaches the database, given the dev database server's endpoint (the
   * load test's fault mode puts a proxy it can break in between). Default: the server itself.
   */
  processorSqlEndpoint?: (sqlEndpoint: string) => Promise<string>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const db = await startDbServer({ databaseUrl: process.env.DATABASE_URL });
  await applyMigrations({ databaseUrl: localConnectionString, fetchEndpoint: db.sqlEndpoint });
  const state = mkdtempSync(join(tmpdir(), 'lumen-bench-'));
  writeProcessorDevVars((await options.processorSqlEndpoint?.(db.sqlEndpoint)) ?? db.sqlEndpoint);
  const listeners = new Set<(text: string) => void>();
  let wrangler: WranglerDev;
  try {
    wrangler = await startWranglerDev({
      port: await freePort(),
      vars: {
        NEON_HTTP_ENDPOINT: db.sqlEndpoint,
        DATABASE_URL: localConnectionString,
        JWT_SECRET: benchSecret,
        ...generateVapidKeys(),
        // The notifications benchmark's push service is web-push-testing on localhost.
        PUSH_ENDPOINT_POLICY: 'public-or-loopback',
      },
      withProcessor: true,
      echo: false,
      onOutput: (text) => listeners.forEach((listener) => listener(text)),
      // A free inspector port too: several stacks may run on one machine.
      extraArgs: ['--persist-to', state, '--inspector-port', String(await freePort())],
    });
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    url: wrangler.url,
    db,
    onOutput(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      wrangler.stop();
      await wrangler.exited;
      await db.close();
      rmSync(state, { recursive: true, force: true });
    },
  };
}

export interface Timing {
  p50: number;
  p99: number;
  mean: number;
  count: number;
}

export async function timeSequential(count: number, run: (i: number) => Promise<unknown>): Promise<Timing> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await run(i);
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), mean: samples.reduce((a, b) => a + b, 0) / samples.length, count };
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;

export function table(rows: Record<string, string | number>[]): void {
  console.table(rows);
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { data: Record<string, unknown> };
}
