/**
 * One image at a time per isolate. The pipeline's memory budget (docs/image-pipeline.md) is for one
 * image in the isolate's 128 MB, but the runtime may run several queue invocations and RPC calls in
 * the same isolate at once (its event loop interleaves them at every await), and those would add
 * their peaks together. Every piece of image work goes through this gate: the second waits for the
 * first to finish, in arrival order, and a failure lets the next one through.
 */
export class OneAtATime {
  #tail: Promise<unknown> = Promise.resolve();
  #waiting = 0;
  #running = 0;

  /** Tasks admitted and not yet finished, the running one included. */
  get pending(): number {
    return this.#waiting + this.#running;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    this.#waiting += 1;
    const result = this.#tail.then(async () => {
      this.#waiting -= 1;
      this.#running += 1;
      try {
        return await task();
      } finally {
        this.#running -= 1;
      }
    });
    // The next task waits for this one to settle, whether it succeeded or not.
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

/** The isolate's gate: module state, so every invocation that lands in this isolate shares it. */
export const imageGate = new OneAtATime();
