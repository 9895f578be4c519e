/**
 * Bundles the processor Worker the way `wrangler deploy` would, without uploading. The Vitest
 * integration runs extra Workers only as built JavaScript listed module by module, so the test
 * setup builds it first (see docs/testing.md).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './paths.ts';

export interface BuiltWorker {
  modulesRoot: string;
  modules: { type: 'ESModule' | 'CompiledWasm'; path: string }[];
}

export function buildProcessor(outDir = join(projectRoot, '.wrangler', 'test-build', 'processor')): BuiltWorker {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const wrangler = join(projectRoot, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
  execFileSync(
    process.execPath,
    [wrangler, 'deploy', '--dry-run', '--outdir', outDir, '-c', 'src/processor/wrangler.jsonc'],
    {
      cwd: projectRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const files = readdirSync(outDir).filter((name) => name.endsWith('.js') || name.endsWith('.wasm'));
  // The entry module must come first.
  files.sort((a, b) => Number(b === 'index.js') - Number(a === 'index.js'));
  return {
    modulesRoot: outDir,
    modules: files.map((name) => ({
      type: name.endsWith('.wasm') ? 'CompiledWasm' : 'ESModule',
      path: join(outDir, name),
    })),
  };
}
