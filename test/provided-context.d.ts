// What the global setup (Node side) hands to the tests and the Vitest config.
declare module 'vitest' {
  export interface ProvidedContext {
    dbEndpoint: string;
    /** Empty when ../shared/corpus is absent. */
    corpusUrl: string;
  }
}
export {};
