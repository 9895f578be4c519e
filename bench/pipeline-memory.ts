/**
 * Peak memory of one image's processing, each measurement in a fresh Node process (this file is
 * the child's entry point), so no run inherits another's heap or WASM memory.
 *
 * Two samplers: a thread of its own reads the process's RSS every millisecond, also while the
 * pipeline's synchronous decoders and encoders hold the main thread (a timer there would only
 * fire between them); the main thread samples V8 heap + ArrayBuffers + the WASM memories known to
 * be alive, at each stage's end, each codec's return and every timer tick it gets. Both attribute
 * a sample to the stage that is running, taken as the stage that ends next (the pipeline reports
 * only `stepEnded`), so the pipeline's preliminaries (inspection, planning) count towards its first
 * stage; what comes after the last stage's end is `after`.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import decodeWithJsquash, { init as initJsquashDecoder } from '@jsquash/jpeg/decode.js';
import encodeWithJsquash, { init as initJsquashEncoder } from '@jsquash/jpeg/encode.js';
import resizeWithJsquash, { initResize } from '@jsquash/resize';
import {
  initCodecs,
  processImage,
  setPipelineProbe,
  type CodecModules,
  type PipelineProbe,
  type SourceFormat,
  type Stage,
} from '../src/processor/pipeline/index.ts';
import { compileCodecModules, compileWasm, failureText, MB, runSharp, STAGES } from './pipeline-shared.ts';

const thisFile = fileURLToPath(import.meta.url);

/** `naive`: @jsquash as its README suggests; `pipeline`: ours; `sharp`: the reference (its RSS is what counts). */
export type Strategy = 'naive' | 'pipeline' | 'sharp';

/** Peaks in MB over the idle process: RSS growth, and heap + ArrayBuffers + live WASM growth. */
export interface Peak {
  rss: number;
  accounted: number;
}

export interface MemoryReport {
  peakRssGrowthMb: number;
  /** Largest growth of V8 heap + ArrayBuffers, plus the WASM memories known to be alive at a sample. */
  peakAccountedMb: number;
  /** The same peaks while each stage ran (the stage that ended next); `after`: past the last stage's end. */
  stages: Partial<Record<Phase, Peak>>;
  /** How the pipeline made the original (see PipelineResult.originalMethod). */
  method: string;
  wasmPeakMb: Record<string, number>;
  ms: number;
}

const MAX_INTERVALS = 1024;

/**
 * Reads RSS every millisecond on a thread of its own; keeps the peak of each interval between two
 * `stepEnded` calls (the interval's number is the count of stage ends so far).
 */
class RssThread {
  private readonly control = new Int32Array(new SharedArrayBuffer(12));
  private readonly peaks = new Float64Array(new SharedArrayBuffer(8 * MAX_INTERVALS));
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor() {
    const code = `
      const { workerData } = require('node:worker_threads');
      const control = new Int32Array(workerData.control);
      const peaks = new Float64Array(workerData.peaks);
      while (Atomics.load(control, 0) === 0) {
        const interval = Math.min(Atomics.load(control, 1), peaks.length - 1);
        const rss = process.memoryUsage.rss();
        if (rss > peaks[interval]) peaks[interval] = rss;
        Atomics.wait(control, 2, 0, 1);
      }`;
    this.worker = new Worker(code, {
      eval: true,
      execArgv: [],
      workerData: { control: this.control.buffer, peaks: this.peaks.buffer },
    });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
  }

  /** Forgets what was read so far (the idle process's RSS is measured apart) and starts at interval 0. */
  reset(): void {
    Atomics.store(this.control, 1, 0);
    this.peaks.fill(0);
  }

  set interval(index: number) {
    Atomics.store(this.control, 1, index);
  }

  async stop(): Promise<Float64Array> {
    Atomics.store(this.control, 0, 1);
    await this.exited;
    return this.peaks;
  }
}

/** Where a sample falls: a stage, or (with a `stepStarted` hook) the pipeline's own work around the stages. */
export type Phase = Stage | 'before' | 'between' | 'after';

class MemorySampler {
  /**
   * One label per interval between two probe calls. With `stepEnded` alone, an interval belongs
   * to the stage whose end closes it (the stage that ends next); with `stepStarted` too, the
   * intervals from a stage's start to its end are that stage's, and the rest are the pipeline's
   * own work between stages.
   */
  readonly labels: (Stage | undefined)[] = [undefined];
  readonly accountedPeaks: number[] = [0];
  readonly wasmPeak: Record<string, number> = {};
  private readonly liveWasm = new Map<string, number>();
  private sawStart = false;

  constructor(private readonly rss?: RssThread) {}

  sample = (): void => {
    const usage = process.memoryUsage();
    const wasmBytes = [...this.liveWasm.values()].reduce((sum, bytes) => sum + bytes, 0);
    const at = this.labels.length - 1;
    this.accountedPeaks[at] = Math.max(this.accountedPeaks[at] ?? 0, usage.heapUsed + usage.arrayBuffers + wasmBytes);
  };

  private nextInterval(label: Stage | undefined): void {
    this.labels.push(label);
    this.accountedPeaks.push(0);
    if (this.rss) this.rss.interval = this.labels.length - 1;
  }

  /** A stage's step is about to run (a hook the probe does not have yet, see the report). */
  stepStarted = (stage: Stage): void => {
    this.sawStart = true;
    this.sample();
    this.nextInterval(stage);
  };

  /** A stage has ended: its output exists and its input is not yet released (probe.ts). */
  stepEnded = (stage: Stage): void => {
    this.sample();
    const at = this.labels.length - 1;
    this.labels[at] ??= stage;
    this.nextInterval(undefined);
  };

  /** Each interval's phase, in order. */
  phases(): Phase[] {
    const last = this.labels.length - 1;
    return this.labels.map(
      (label, i) => label ?? (i === last ? 'after' : this.sawStart ? (i === 0 ? 'before' : 'between') : 'after'),
    );
  }

  /** The codec's WASM memory is `bytes` now; it counts until `released`. */
  wasm(name: string, bytes: number): void {
    this.wasmPeak[name] = Math.max(this.wasmPeak[name] ?? 0, bytes);
    this.liveWasm.set(name, bytes);
    this.sample();
  }

  released(name: string): void {
    this.liveWasm.delete(name);
  }
}

/** The straightforward use of @jsquash, kept here only to be measured against. */
async function naivePipeline(
  input: Uint8Array,
  sampler: MemorySampler,
  memories: Map<string, WebAssembly.Memory>,
): Promise<void> {
  const image = await decodeWithJsquash(input.buffer as ArrayBuffer, { preserveOrientation: true });
  sampler.wasm('jpegDecoder', memories.get('jpegDecoder')?.buffer.byteLength ?? 0);
  sampler.stepEnded('decode');
  const fit = (side: number) => {
    const scale = Math.min(1, side / Math.max(image.width, image.height));
    return {
      width: Math.max(1, Math.round(image.width * scale)),
      height: Math.max(1, Math.round(image.height * scale)),
    };
  };
  const display = await resizeWithJsquash(image, { ...fit(1080), method: 'lanczos3' });
  const thumbnail = await resizeWithJsquash(image, { ...fit(320), method: 'lanczos3' });
  sampler.stepEnded('resize');
  for (const [picture, quality] of [
    [image, 90],
    [display, 80],
    [thumbnail, 80],
  ] as const) {
    await encodeWithJsquash(picture, { quality });
    sampler.wasm('jpegEncoder', memories.get('jpegEncoder')?.buffer.byteLength ?? 0);
  }
  sampler.stepEnded('encode');
}

async function initNaiveCodecs(modules: CodecModules, memories: Map<string, WebAssembly.Memory>): Promise<void> {
  // The processor no longer has mozjpeg's encoder; the naive pipeline brings its own.
  const naiveModules = { ...modules, jpegEncoder: compileWasm('@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm') };
  const capture = (name: 'jpegDecoder' | 'jpegEncoder') => ({
    instantiateWasm(imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance) => void) {
      const instance = new WebAssembly.Instance(naiveModules[name], imports);
      const memory = Object.values(instance.exports).find((value) => value instanceof WebAssembly.Memory);
      if (memory) memories.set(name, memory);
      receive(instance);
      return instance.exports;
    },
  });
  type Init = (overrides: ReturnType<typeof capture>) => Promise<void>;
  await (initJsquashDecoder as unknown as Init)(capture('jpegDecoder'));
  await (initJsquashEncoder as unknown as Init)(capture('jpegEncoder'));
  await initResize(compileWasm('@jsquash/resize/lib/resize/pkg/squoosh_resize_bg.wasm'));
}

export function formatOf(path: string): SourceFormat {
  const extension = path.slice(path.lastIndexOf('.') + 1);
  if (extension === 'png' || extension === 'webp' || extension === 'heic' || extension === 'avif') return extension;
  return 'jpeg';
}

/** Runs in the child process: one strategy, one file, then a JSON line (or `refused (…)`, `error (…)`) on stdout. */
async function memoryProbe(strategy: Strategy, path: string, orientation: number): Promise<void> {
  const modules = compileCodecModules();
  initCodecs(modules);
  sharp.concurrency(1);
  sharp.cache(false);
  const memories = new Map<string, WebAssembly.Memory>();
  if (strategy === 'naive') await initNaiveCodecs(modules, memories);
  const warmUp = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#808080' } })
    .jpeg()
    .toBuffer();
  if (strategy === 'naive') await naivePipeline(new Uint8Array(warmUp), new MemorySampler(), memories);
  else if (strategy === 'sharp') await runSharp(warmUp);
  else await processImage(new Uint8Array(warmUp), 'jpeg', orientation);
  const rss = new RssThread();
  // The thread's own memory belongs to the idle process: let it start before the idle sample.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const idle = process.memoryUsage();
  rss.reset();
  // Read after the idle sample: in the Worker the file's bytes are part of the job too.
  const file = readFileSync(path);
  const input = new Uint8Array(file.buffer, file.byteOffset, file.length);
  const sampler = new MemorySampler(rss);
  const timer = setInterval(sampler.sample, 1);
  let method = strategy;
  let failure: string | null = null;
  const start = performance.now();
  try {
    if (strategy === 'naive') await naivePipeline(input, sampler, memories);
    else if (strategy === 'sharp') await runSharp(file);
    else {
      // `stepStarted` is used once probe.ts has it (until then the pipeline never calls it).
      const probe: PipelineProbe & { stepStarted?(stage: Stage): void } = {
        codecReturned: (codec, bytes) => {
          sampler.wasm(codec, bytes);
          // The instance is unreachable from here on: RSS shows how long it really lingers.
          sampler.released(codec);
        },
        stepStarted: sampler.stepStarted,
        stepEnded: sampler.stepEnded,
      };
      setPipelineProbe(probe);
      method = (await processImage(input, formatOf(path), orientation)).originalMethod as Strategy;
    }
  } catch (error) {
    failure = failureText(error);
  }
  const ms = performance.now() - start;
  clearInterval(timer);
  sampler.sample();
  const rssPeaks = await rss.stop();
  if (failure) {
    process.stdout.write(`${failure}\n`);
    return;
  }
  const rssGrowth = (bytes: number) => (bytes - idle.rss) / MB;
  const accountedGrowth = (bytes: number) => (bytes - idle.heapUsed - idle.arrayBuffers) / MB;
  const stages: MemoryReport['stages'] = {};
  for (const [interval, phase] of sampler.phases().entries()) {
    const peak = stages[phase] ?? { rss: -Infinity, accounted: -Infinity };
    const intervalRss = rssPeaks[Math.min(interval, MAX_INTERVALS - 1)] ?? 0;
    if (intervalRss > 0) peak.rss = Math.max(peak.rss, rssGrowth(intervalRss));
    const accounted = sampler.accountedPeaks[interval] ?? 0;
    if (accounted > 0) peak.accounted = Math.max(peak.accounted, accountedGrowth(accounted));
    stages[phase] = peak;
  }
  const report: MemoryReport = {
    peakRssGrowthMb: rssGrowth(Math.max(...rssPeaks)),
    peakAccountedMb: accountedGrowth(Math.max(...sampler.accountedPeaks)),
    stages,
    method,
    wasmPeakMb: Object.fromEntries(Object.entries(sampler.wasmPeak).map(([name, bytes]) => [name, bytes / MB])),
    ms,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

/** One measurement in a fresh process: the report, or the refusal or error as the cell's text. */
export function measureInChild(strategy: Strategy, file: string, orientation: number): Promise<MemoryReport | string> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, '--expose-gc', thisFile, '--memory-probe', strategy, file, String(orientation)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.on('error', (error) => resolve(`error (${error.message})`));
    child.on('close', (code, signal) => {
      const line = output.trim().split('\n').at(-1) ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as MemoryReport);
      else if (code === 0 && line) resolve(line);
      else {
        const reason =
          errors
            .trim()
            .split('\n')
            .find((text) => /Error|error|heap/.test(text)) ?? errors.trim();
        resolve(`error (exit ${code ?? signal}: ${reason.slice(0, 120)})`);
      }
    });
  });
}

/** The largest codec memory, when it is more than an instance's initial 16 MB. */
function wasmNote(report: MemoryReport): string {
  const largest = Math.max(0, ...Object.values(report.wasmPeakMb));
  return largest > 16 ? `, WASM ${largest.toFixed(0)}` : '';
}

export function peakText(peak: Peak | undefined): string {
  if (!peak) return '—';
  const part = (mb: number) => (Number.isFinite(mb) ? mb.toFixed(0) : '–');
  return `${part(peak.rss)} / ${part(peak.accounted)}`;
}

/** `RSS / accounted (, WASM n) (time, method)` for a table's cell; sharp's memory is native, so its cell is RSS alone. */
export function memoryCell(report: MemoryReport | string, withMethod: boolean): string {
  if (typeof report === 'string') return report;
  const seconds = `${(report.ms / 1000).toFixed(1)} s`;
  if (report.method === 'sharp') return `${report.peakRssGrowthMb.toFixed(0)} RSS (${seconds})`;
  const method = withMethod ? `, ${report.method}` : '';
  return `${peakText({ rss: report.peakRssGrowthMb, accounted: report.peakAccountedMb })}${wasmNote(report)} (${seconds}${method})`;
}

/** One row of the per-stage table: each stage's peaks, `RSS / accounted`. */
export function stageRow(input: string, label: string, report: MemoryReport | string): Record<string, string> {
  const row: Record<string, string> = { input, case: label };
  for (const stage of [...STAGES, 'before', 'between', 'after'] as const) {
    // `before` and `between` exist only once the probe reports stage starts.
    if ((stage === 'before' || stage === 'between') && (typeof report === 'string' || !report.stages[stage])) continue;
    row[stage] = typeof report === 'string' ? (stage === 'decode' ? report : '') : peakText(report.stages[stage]);
  }
  row.overall =
    typeof report === 'string' ? '' : peakText({ rss: report.peakRssGrowthMb, accounted: report.peakAccountedMb });
  return row;
}

export const STAGE_NOTE =
  'Per stage: the peak while that stage ran, RSS growth / heap + ArrayBuffers + live WASM growth in MB over the idle process; a stage counts over all its steps (encode: the original and the two variants). A sample belongs to the stage that ends next while the probe has only stepEnded (so inspection and planning count towards the first stage); with a stepStarted hook, the work between stages shows as "before"/"between". RSS, which rarely shrinks, carries what earlier stages left. "after": from the last stage end to the result. –: no sample in that interval (shorter than the 1 ms sampling).';

if (process.argv[1] === thisFile) {
  const probeAt = process.argv.indexOf('--memory-probe');
  const [strategy, file, orientation] = process.argv.slice(probeAt + 1);
  await memoryProbe(strategy as Strategy, file ?? '', Number(orientation));
}
