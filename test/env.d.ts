// Bindings only the tests have (see vitest.config.ts).
declare namespace Cloudflare {
  interface Env {
    /** The processor's dead-letter queue, so a test can dead-letter a job without exhausting retries. */
    DEAD_LETTERS: Queue;
  }
}

// http_ece ships no types; the tests use its decrypt only.
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto';
  const ece: {
    decrypt(body: Buffer, params: { version: 'aes128gcm'; privateKey: ECDH; authSecret: Buffer }): Buffer;
  };
  export default ece;
}
