/**
 * Counts the processor's job outcomes from its JSON log lines (src/processor/index.ts): how many
 * jobs were retried, dead-lettered or failed, so the fault mode shows the retry path really ran.
 */
import type { Stack } from '../harness.ts';

export function countProcessorOutcomes(stack: Stack): {
  counts: Record<string, number>;
  /** Why attempts failed, by error text: the fault mode should see only the database going away. */
  errors: Record<string, number>;
  stop: () => void;
} {
  const counts: Record<string, number> = {};
  const errors: Record<string, number> = {};
  let buffered = '';
  const stop = stack.onOutput((text) => {
    buffered += text;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const at = line.indexOf('{"worker":"processor"');
      if (at < 0) continue;
      try {
        const { outcome, reason, error } = JSON.parse(line.slice(at)) as {
          outcome?: string;
          reason?: string;
          error?: string;
        };
        const name = outcome === 'failed' && reason === 'dead-lettered' ? 'dead-lettered' : outcome;
        if (name) counts[name] = (counts[name] ?? 0) + 1;
        if (error) errors[error.slice(0, 120)] = (errors[error.slice(0, 120)] ?? 0) + 1;
      } catch {
        // A line cut by the terminal is not a job's outcome.
      }
    }
  });
  return { counts, errors, stop };
}
