// tsc follows the type-only import of ApiRoutes into the API's source, which is written for
// workerd: these two Workers members are missing from the DOM lib this project compiles with.
interface SubtleCrypto {
  timingSafeEqual(a: ArrayBuffer | ArrayBufferView, b: ArrayBuffer | ArrayBufferView): boolean;
}
interface CacheStorage {
  readonly default: Cache;
}
