// Bindings only the tests have (see vitest.config.ts).
declare namespace Cloudflare {
  interface Env {
    /** The processor's dead-letter queue, so a test can dead-letter a job without exhausting retries. */
    DEAD_LETTERS: Queue;
  }
}
