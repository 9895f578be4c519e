/**
 * Where image bytes live in R2, and which variants exist. Originals are private and never served;
 * variants follow the seed's CDN layout, `/images/{name}_{size}.jpg`, where the name is the
 * photo's own: `post_<hex>` for a post's photo made by `POST /images/upload` (and every post made
 * before posts had several photos), `media_<hex>` for one uploaded by `POST /media`.
 */
export const variantSizes = ['thumbnail', 'display', 'original'] as const;
export type VariantSize = (typeof variantSizes)[number];

/** Longest side in pixels; the original keeps its own size (up to the processor's cap). */
export const variantLongestSide: Record<Exclude<VariantSize, 'original'>, number> = {
  thumbnail: 320,
  display: 1080,
};

/** How a media row names its R2 objects (columns `original_key` and `image_name`). */
export interface MediaObjects {
  originalKey: string;
  imageName: string;
}

export const r2Keys = {
  original: (imageName: string) => `originals/${imageName}`,
  variant: (imageName: string, size: VariantSize) => `images/${imageName}_${size}.jpg`,
  /** The names a new photo gets, from its public id (`post_…` or `media_…`). */
  forNewMedia: (publicId: string): MediaObjects => ({ originalKey: r2Keys.original(publicId), imageName: publicId }),
  /** The served variants of one photo. */
  variantsOf: (photo: MediaObjects) => variantSizes.map((size) => r2Keys.variant(photo.imageName, size)),
  /** Every object of one photo: what deleting or exporting it must cover. */
  ofMedia: (photo: MediaObjects) => [photo.originalKey, ...r2Keys.variantsOf(photo)],
};
