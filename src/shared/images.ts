/**
 * Where image bytes live in R2, and which variants exist. Originals are private and never served;
 * variants follow the seed's CDN layout, `/images/{postId}_{size}.jpg`.
 */
export const variantSizes = ['thumbnail', 'display', 'original'] as const;
export type VariantSize = (typeof variantSizes)[number];

/** Longest side in pixels; the original keeps its own size (up to the processor's cap). */
export const variantLongestSide: Record<Exclude<VariantSize, 'original'>, number> = {
  thumbnail: 320,
  display: 1080,
};

export const r2Keys = {
  original: (postId: string) => `originals/${postId}`,
  variant: (postId: string, size: VariantSize) => `images/${postId}_${size}.jpg`,
  allOf: (postId: string) => [r2Keys.original(postId), ...variantSizes.map((size) => r2Keys.variant(postId, size))],
};
