/**
 * `npm run bench [part...]`: runs the named parts (default: all) against one throwaway stack.
 */
import { benchAccount } from './account.ts';
import { benchAuth } from './auth.ts';
import { benchPipeline } from './pipeline.ts';
import { benchPipelineEndToEnd } from './pipeline-e2e.ts';
import { benchRateLimits } from './rate-limits.ts';
import { startStack, type Stack } from './harness.ts';
import { benchSearch } from './search.ts';
import { benchSocial } from './social.ts';

const parts: Record<string, (stack: Stack) => Promise<void>> = {
  auth: benchAuth,
  account: benchAccount,
  social: benchSocial,
  search: benchSearch,
  'rate-limits': benchRateLimits,
  pipeline: async (stack) => {
    await benchPipeline();
    await benchPipelineEndToEnd(stack);
  },
  // The end-to-end part alone (upload → ready over HTTP), without the processor-only tables.
  'pipeline-e2e': benchPipelineEndToEnd,
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in parts));
if (unknown.length) {
  console.error(`Unknown benchmark part(s): ${unknown.join(', ')}. Known: ${Object.keys(parts).join(', ')}`);
  process.exit(2);
}

const stack = await startStack();
try {
  for (const [name, run] of Object.entries(parts)) {
    if (wanted.length === 0 || wanted.includes(name)) await run(stack);
  }
} finally {
  await stack.close();
}
