/**
 * Where a job's time goes, logged with its outcome (the end-to-end benchmark reads these lines).
 * Each mark is the milliseconds since the previous one. The clock only moves at I/O in a Worker
 * (timers are coarsened against timing attacks), so every mark is taken right after an awaited
 * storage, database or queue call, where it is exact.
 */
export class StageMarks {
  readonly stages: Record<string, number> = {};
  #last: number;

  constructor(start: number = Date.now()) {
    this.#last = start;
  }

  mark(stage: string): void {
    const now = Date.now();
    this.stages[stage] = (this.stages[stage] ?? 0) + now - this.#last;
    this.#last = now;
  }
}
