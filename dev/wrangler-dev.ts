import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from './paths.ts';

export interface WranglerDev {
  url: string;
  /** Resolves when wrangler exits, with its exit code. */
  exited: Promise<number>;
  stop(): void;
}

export interface WranglerDevOptions {
  port: number;
  vars: Record<string, string>;
  /** The processor runs beside the API in the same local runtime, sharing queues, R2 and state. */
  withProcessor: boolean;
  /** Echo wrangler's output (the dev launcher does; benchmarks keep quiet). */
  echo: boolean;
  /** Sees every chunk of wrangler's output (the end-to-end benchmark reads the processor's log lines). */
  onOutput?: (text: string) => void;
  extraArgs?: string[];
}

/** Runs `wrangler dev` and resolves once it serves requests. */
export function startWranglerDev(options: WranglerDevOptions): Promise<WranglerDev> {
  const bin = join(projectRoot, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
  const varArgs = Object.entries(options.vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]);
  const configArgs = ['-c', 'wrangler.jsonc', ...(options.withProcessor ? ['-c', 'src/processor/wrangler.jsonc'] : [])];
  // Its own process group, so that stopping it stops the runtime processes wrangler starts too.
  const child = spawn(
    process.execPath,
    [
      bin,
      'dev',
      ...configArgs,
      '--port',
      String(options.port),
      '--show-interactive-dev-session=false',
      ...varArgs,
      ...(options.extraArgs ?? []),
    ],
    { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  const stop = () => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
  };
  return new Promise((resolve, reject) => {
    let ready = false;
    // The tail of what wrangler said, for the error when it exits before it is ready.
    let said = '';
    const watch = (stream: NodeJS.ReadableStream, sink: NodeJS.WriteStream) =>
      stream.on('data', (chunk: Buffer) => {
        if (options.echo) sink.write(chunk);
        options.onOutput?.(chunk.toString());
        if (!ready) said = (said + chunk.toString()).slice(-2000);
        if (!ready && chunk.toString().includes('Ready on')) {
          ready = true;
          resolve({ url: `http://localhost:${options.port}`, exited, stop });
        }
      });
    watch(child.stdout, process.stdout);
    watch(child.stderr, process.stderr);
    void exited.then((code) => {
      if (!ready) reject(new Error(`wrangler dev exited with code ${code} before it was ready:\n${said}`));
    });
  });
}
