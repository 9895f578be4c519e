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

let cached: Promise<InstanceLimits> | null = null;

/** The server's own limits (GET /instance), fetched once, so messages quote what it enforces. */
export function instanceLimits(): Promise<InstanceLimits> {
  cached ??= publicApi.instance
    .$get()
    .then((response) => response.json())
    .then((body) => {
      const limits = body.data.limits;
      if (!isLimits(limits)) throw new Error('Unexpected /instance answer');
      return limits;
    });
  cached.catch(() => (cached = null));
  return cached;
}
