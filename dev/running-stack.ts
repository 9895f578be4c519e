/**
 * Where the running `npm run dev` can be reached, for tools such as `npm run seed`: the Worker's URL
 * and the dev database server's endpoint (its port is chosen anew on every start).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './paths.ts';

export interface RunningStack {
  url: string;
  sqlEndpoint: string;
}

const path = join(projectRoot, '.wrangler', 'state', 'dev-stack.json');

export function writeRunningStack(stack: RunningStack): void {
  writeFileSync(path, JSON.stringify(stack));
}

export function forgetRunningStack(): void {
  rmSync(path, { force: true });
}

export function runningStack(): RunningStack | null {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as RunningStack) : null;
}
