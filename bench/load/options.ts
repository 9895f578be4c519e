/** `npm run bench load -- --people 50 --seconds 120 --faults`: the load test's knobs, from the command line. */
export interface LoadOptions {
  people: number;
  seconds: number;
  /** Break the processor's database for a while, repeatedly, during the run (faults.ts). */
  faults: boolean;
}

export const defaultLoadOptions: LoadOptions = { people: 50, seconds: 120, faults: false };

function positiveInteger(flag: string, value: string | undefined): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`${flag} needs a whole number above 0, not ${value}`);
  return number;
}

/** Splits `args` into part names and the load test's flags; an unknown flag is an error, not ignored. */
export function parseBenchArgs(args: string[]): { parts: string[]; load: LoadOptions } {
  const parts: string[] = [];
  const load = { ...defaultLoadOptions };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--people') load.people = positiveInteger(arg, args[++i]);
    else if (arg === '--seconds') load.seconds = positiveInteger(arg, args[++i]);
    else if (arg === '--faults') load.faults = true;
    else if (arg.startsWith('--')) throw new Error(`Unknown flag ${arg} (known: --people N, --seconds N, --faults)`);
    else parts.push(arg);
  }
  return { parts, load };
}
