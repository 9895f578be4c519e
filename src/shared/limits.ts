/**
 * The limits the server enforces. `GET /instance` publishes these same constants, so clients
 * learn them from the code that applies them rather than from a copy.
 */
export const limits = {
  jsonBodyBytes: 64 * 1024,
  username: { min: 3, max: 30, pattern: '^[a-z0-9_.]+$' },
  password: { min: 8, max: 128 },
  fullName: { max: 100 },
  bio: { max: 150 },
  email: { max: 254 },
  page: { defaultLimit: 20, maxLimit: 50 },
  upload: {
    maxBytes: 20 * 1024 * 1024,
    maxPixels: 50_000_000,
    /** Every variant is a JPEG, whose sides cannot be longer; a PNG's header can claim far more. */
    maxSidePixels: 65_535,
    /**
     * For files only a whole-image decoder reads (unusual JPEGs, lossless or transparent WebP): they
     * must fit the processor's 128 MB at once (docs/image-pipeline.md has the measurements).
     */
    maxPixelsWholeDecode: 6_000_000,
    /**
     * The limit for each way a photo can be coded, since that decides its decoder: streaming ones
     * (baseline JPEG, PNG interlaced or not, lossy WebP, HEIC) and progressive JPEG (only the low frequencies a scaled decode
     * reads are kept) take the full 50 MP; whole-image ones what fits in 128 MB. AVIF's libavif
     * needs about 27 bytes of WASM memory per pixel on top of 16 MB (95 MB at 3 MP, 174 MB at
     * 6 MP, measured). The upload route and the processor both read this through
     * src/shared/image/inspect.ts.
     */
    maxPixelsPerFormat: {
      jpeg: 50_000_000,
      jpegProgressive: 50_000_000,
      /** Arithmetic-coded, lossless or 12-bit: rare, and only mozjpeg (whole image) reads them. */
      jpegOther: 6_000_000,
      png: 50_000_000,
      pngInterlaced: 50_000_000,
      webp: 50_000_000,
      /** With an alpha channel or animated: libwebp decodes them whole. */
      webpAlpha: 6_000_000,
      webpLossless: 6_000_000,
      heic: 50_000_000,
      avif: 2_000_000,
    },
    formats: ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/avif'],
  },
  /** Posts of several photos: how many, and how long a photo uploaded by `POST /media` waits to be attached. */
  media: { maxPerPost: 20, unattachedHours: 24 },
  caption: { max: 2200 },
  altText: { max: 1500 },
  tags: { maxCount: 30, maxLength: 50, pattern: '^[\\p{L}\\p{N}_]+$' },
  locationName: { max: 255 },
  comment: { min: 1, max: 2200 },
  report: { commentMax: 1000 },
  moderationNote: { max: 1000 },
  /** Web Push devices per account (each notification fans out to all of them): the oldest beyond go. */
  pushSubscriptions: { maxPerUser: 20, endpointMaxLength: 2048 },
  rateLimits: {
    auth: { limit: 10, periodSeconds: 60, scope: 'client IP' },
    loginPerAccount: { limit: 10, periodSeconds: 15 * 60, scope: 'account' },
    uploads: { limit: 30, periodSeconds: 60, scope: 'user' },
    social: { limit: 120, periodSeconds: 60, scope: 'user' },
    /** Counted apart from the other social writes (its own key), through the same binding. */
    reports: { limit: 120, periodSeconds: 60, scope: 'user' },
  },
} as const;

export const tokenLifetimes = {
  accessSeconds: 60 * 60,
  refreshSeconds: 30 * 24 * 60 * 60,
} as const;
