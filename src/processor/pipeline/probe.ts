/**
 * Optional instrumentation for the benchmark: where memory and time go. The pipeline calls the
 * probe at the few points where peaks happen; nothing is set in production, and then each call
 * is a property read.
 */
export type CodecName = 'jpegDecoder' | 'webpDecoder' | 'heifDecoder' | 'avifDecoder';

export type Stage = 'decode' | 'orient' | 'resize' | 'encode';

export interface PipelineProbe {
  /** A codec call has returned: its linear memory is at its high-water mark, and the result exists. */
  codecReturned?(codec: CodecName, memoryBytes: number): void;
  /** A stage's step is about to run: its input exists, nothing of its own is allocated yet. */
  stepStarted?(stage: Stage): void;
  /** A stage's step has returned, with its output allocated and its input not yet released. */
  stepEnded?(stage: Stage): void;
}

let current: PipelineProbe = {};

export function setPipelineProbe(probe: PipelineProbe | null): void {
  current = probe ?? {};
}

export function pipelineProbe(): PipelineProbe {
  return current;
}
