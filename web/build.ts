/**
 * Builds the web app into web/dist (served by the API Worker as static assets): one minified
 * module, one stylesheet, index.html, and the service worker at the root (sw.js, so its scope is
 * the whole site). `--watch` rebuilds on change for `npm run dev`.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
export const webDist = join(webRoot, 'dist');

function writeIndex(): void {
  // The query string changes with the bundle, so browsers revalidating index.html get new code.
  const version = createHash('sha256')
    .update(readFileSync(join(webDist, 'app.js')))
    .update(readFileSync(join(webDist, 'app.css')))
    .digest('hex')
    .slice(0, 10);
  writeFileSync(
    join(webDist, 'index.html'),
    readFileSync(join(webRoot, 'index.html'), 'utf8').replaceAll('__VERSION__', version),
  );
  copyFileSync(join(webRoot, 'favicon.svg'), join(webDist, 'favicon.svg'));
}

const common: esbuild.BuildOptions = {
  outdir: webDist,
  bundle: true,
  minify: true,
  target: ['es2022', 'chrome100', 'safari16', 'firefox110'],
  sourcemap: 'linked',
  logLevel: 'warning',
};

const appOptions: esbuild.BuildOptions = {
  ...common,
  entryPoints: { app: join(webRoot, 'src', 'main.ts') },
  format: 'esm',
  plugins: [
    {
      name: 'index-html',
      setup: (build) => build.onEnd((result) => void (result.errors.length === 0 && writeIndex())),
    },
  ],
};

// A classic script, not a module: Firefox 110, a target above, runs no module service workers.
const serviceWorkerOptions: esbuild.BuildOptions = {
  ...common,
  entryPoints: { sw: join(webRoot, 'sw', 'service-worker.ts') },
  format: 'iife',
};

/** What a first visit downloads (gzip), in KiB: index.html, app.js and app.css. */
export function firstLoadSize(): { file: string; gzipKiB: number }[] {
  return ['index.html', 'app.js', 'app.css'].map((file) => ({
    file,
    gzipKiB: Number((gzipSync(readFileSync(join(webDist, file)), { level: 9 }).length / 1024).toFixed(1)),
  }));
}

export async function buildWeb(): Promise<void> {
  rmSync(webDist, { recursive: true, force: true });
  mkdirSync(webDist, { recursive: true });
  await Promise.all([esbuild.build(appOptions), esbuild.build(serviceWorkerOptions)]);
}

/** Builds once, then keeps rebuilding on changes until `dispose` is called. */
export async function watchWeb(): Promise<{ dispose(): Promise<void> }> {
  await buildWeb();
  const contexts = await Promise.all([esbuild.context(appOptions), esbuild.context(serviceWorkerOptions)]);
  await Promise.all(contexts.map((context) => context.watch()));
  return { dispose: async () => void (await Promise.all(contexts.map((context) => context.dispose()))) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildWeb();
  const sizes = firstLoadSize();
  console.table(sizes);
  console.log(`First load: ${sizes.reduce((sum, { gzipKiB }) => sum + gzipKiB, 0).toFixed(1)} KiB gzip`);
}
