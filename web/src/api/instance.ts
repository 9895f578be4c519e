import { publicApi } from './client';

export interface InstanceLimits {
  upload: { maxBytes: number; maxPixels: number; formats: string[] };
  caption: { max: number };
  altText: { max: number };
  bio: { max: number };
  comment: { max: number };
  tags: { maxCount: number };
  /** Absent on servers from before posts of several photos. */
  media?: { maxPerPost: number };
}

function isLimits(value: unknown): value is InstanceLimits {
  const upload = (value as { upload?: { maxBytes?: unknown } } | null)?.upload;
  return typeof upload?.maxBytes === 'number';
}

interface Instance {
  limits: InstanceLimits;
  /** The application server key to subscribe to Web Push with (base64url); absent on older servers. */
  vapidPublicKey?: string;
}

let cached: Promise<Instance> | null = null;

/** GET /instance, fetched once. */
function instance(): Promise<Instance> {
  cached ??= publicApi.instance
    .$get()
    .then((response) => response.json())
    .then((body) => {
      const { limits, vapidPublicKey } = body.data as { limits: unknown; vapidPublicKey?: unknown };
      if (!isLimits(limits)) throw new Error('Unexpected /instance answer');
      return { limits, ...(typeof vapidPublicKey === 'string' && { vapidPublicKey }) };
    });
  cached.catch(() => (cached = null));
  return cached;
}

/** The server's own limits, so messages quote what it enforces. */
export const instanceLimits = (): Promise<InstanceLimits> => instance().then(({ limits }) => limits);

export const vapidPublicKey = (): Promise<string | undefined> =>
  instance().then(({ vapidPublicKey }) => vapidPublicKey);
