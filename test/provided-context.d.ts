// What the global setup (Node side) hands to the tests and the Vitest config.
declare module 'vitest' {
  export interface ProvidedContext {
    dbEndpoint: string;
    /** Posts written in the schema before migration 0002 (null when the database was migrated already). */
    legacyPosts: import('./setup/legacy-posts').LegacyPosts | null;
    /** Empty when ../shared/corpus is absent. */
    corpusUrl: string;
    /** The local Web Push service (web-push-testing): subscribe there, read what it decrypted. */
    pushServiceUrl: string;
    /** sharp on loopback (test/setup/image-checker.ts): checks variants, writes CMYK fixtures. */
    imageCheckerUrl: string;
    /** How many mutated files test/unit/pipeline/fuzz.test.ts makes, from which seed. */
    fuzzPlan: { cases: number; seed: number };
    /** The processor Worker, bundled for Miniflare (see dev/build-processor.ts). */
    processorBuild: {
      modulesRoot: string;
      modules: { type: 'ESModule' | 'CompiledWasm'; path: string }[];
    };
  }
}
export {};
