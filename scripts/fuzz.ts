/**
 * The long fuzz run: test/unit/pipeline/fuzz.test.ts with more cases or another seed.
 *
 *   npm run fuzz -- --cases 3000 --seed 7
 *
 * Same checks as the suite's short run (refused cleanly, or variants sharp decodes at their
 * stated sizes with no metadata, each case within its time budget). A failure names the case and
 * seed; rerun with the same flags to reproduce it.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { cases: { type: 'string', default: '2000' }, seed: { type: 'string', default: String(Date.now() % 1e9) } },
});
for (const [name, value] of Object.entries(values)) {
  if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a whole number, not ${value}`);
}
console.log(`fuzz: ${values.cases} cases from seed ${values.seed}`);
const run = spawnSync('npx', ['vitest', 'run', 'test/unit/pipeline/fuzz.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_CASES: values.cases, FUZZ_SEED: values.seed },
});
process.exit(run.status ?? 1);
