/**
 * `npm run check:bundles`: bundles both Workers as `wrangler deploy` would (`--dry-run`, nothing is
 * uploaded), prints their sizes, and fails when one passes its budget.
 *
 * Budgets: the API Worker stays under 1 MiB gzip, so its cold start stays small (the codecs live in
 * the processor). The processor stays under the platform's limits: 64 MiB uncompressed on every plan
 * since May 2026, and — checked as well, so a deploy to an account still on the older rules works —
 * the former Paid plan's 10 MB after compression.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { projectRoot } from '../dev/paths.ts';

const MiB = 1024 * 1024;

interface Budget {
  name: string;
  folder: string;
  config: string;
  maxGzipBytes: number;
  maxRawBytes: number;
}

const budgets: Budget[] = [
  { name: 'API Worker', folder: 'api', config: 'wrangler.jsonc', maxGzipBytes: 1 * MiB, maxRawBytes: 64 * MiB },
  {
    name: 'processor Worker',
    folder: 'processor',
    config: 'src/processor/wrangler.jsonc',
    maxGzipBytes: 10_000_000,
    maxRawBytes: 64 * MiB,
  },
];

function bundle(config: string, outDir: string): void {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const wrangler = join(projectRoot, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
  execFileSync(process.execPath, [wrangler, 'deploy', '--dry-run', '--outdir', outDir, '-c', config], {
    cwd: projectRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** What is uploaded: every module (JavaScript and WASM), not source maps or the README wrangler writes. */
function measure(outDir: string): { raw: number; gzip: number } {
  let raw = 0;
  let gzip = 0;
  for (const name of readdirSync(outDir)) {
    if (!/\.(js|mjs|wasm)$/.test(name)) continue;
    const path = join(outDir, name);
    raw += statSync(path).size;
    gzip += gzipSync(readFileSync(path), { level: 9 }).length;
  }
  return { raw, gzip };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

let failed = false;
for (const budget of budgets) {
  const outDir = join(projectRoot, 'dist', 'bundle-check', budget.folder);
  bundle(budget.config, outDir);
  const size = measure(outDir);
  const over = size.gzip > budget.maxGzipBytes || size.raw > budget.maxRawBytes;
  failed ||= over;
  console.log(
    `${over ? 'OVER ' : 'ok   '} ${budget.name}: ${kib(size.raw)} (budget ${kib(budget.maxRawBytes)}), ` +
      `${kib(size.gzip)} gzip (budget ${kib(budget.maxGzipBytes)})`,
  );
}
if (failed) {
  console.error('A Worker bundle is over its budget (scripts/check-bundles.ts says why each budget is what it is).');
  process.exit(1);
}
