/**
 * `npm run bench [part...]`: runs the named parts (default: all but `load`) against one throwaway
 * stack. `npm run bench load -- --people N --seconds T --faults` runs the load test (bench/load).
 */
import { benchAccount } from './account.ts';
import { benchAuth } from './auth.ts';
import { DatabaseFaultProxy } from './load/faults.ts';
import { benchLoad } from './load/index.ts';
import { parseBenchArgs } from './load/options.ts';
import { benchPipeline } from './pipeline.ts';
import { benchPipelineEndToEnd } from './pipeline-e2e.ts';
import { benchNotifications } from './notifications.ts';
import { benchRateLimits } from './rate-limits.ts';
import { startStack, type Stack } from './harness.ts';
import { benchSearch } from './search.ts';
import { benchSocial } from './social.ts';

const { parts: wanted, load } = parseBenchArgs(process.argv.slice(2));
// The fault mode's proxy must stand between the processor and the database before the stack starts.
const faults = wanted.includes('load') && load.faults ? await DatabaseFaultProxy.start() : undefined;

const parts: Record<string, (stack: Stack) => Promise<void>> = {
  auth: benchAuth,
  account: benchAccount,
  social: benchSocial,
  notifications: benchNotifications,
  search: benchSearch,
  'rate-limits': benchRateLimits,
  pipeline: async (stack) => {
    await benchPipeline();
    await benchPipelineEndToEnd(stack);
  },
  // One part of it alone: the processor-only tables, or upload → ready over HTTP.
  'pipeline-timing': () => benchPipeline(['timing']),
  'pipeline-memory': () => benchPipeline(['memory']),
  'pipeline-formats': () => benchPipeline(['formats']),
  'pipeline-e2e': benchPipelineEndToEnd,
  load: (stack) => benchLoad(stack, load, faults),
};
/** Minutes of traffic with checks that fail the run: only when asked for by name. */
const onlyByName = new Set(['load']);

const unknown = wanted.filter((name) => !(name in parts));
if (unknown.length) {
  console.error(`Unknown benchmark part(s): ${unknown.join(', ')}. Known: ${Object.keys(parts).join(', ')}`);
  process.exit(2);
}

const stack = await startStack(
  faults ? { processorSqlEndpoint: (endpoint) => Promise.resolve(faults.front(endpoint)) } : {},
);
try {
  for (const [name, run] of Object.entries(parts)) {
    if (wanted.length === 0 ? !onlyByName.has(name) : wanted.includes(name)) await run(stack);
  }
} finally {
  await stack.close();
  await faults?.close();
}
