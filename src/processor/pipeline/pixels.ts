/**
 * The one pixel layout every stage works on: 8-bit RGBA, rows top to bottom, no row padding. RGBA
 * rather than RGB because both WASM codecs speak it, so no stage pays for a conversion copy.
 */
export interface Pixels {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Receives an image top to bottom, a band of whole RGBA rows at a time (streaming decoders). */
export interface RowSink {
  accept(rows: Uint8Array, firstRow: number, rowCount: number): void;
}

export function allocatePixels(width: number, height: number): Pixels {
  return { data: new Uint8Array(width * height * 4), width, height };
}

/**
 * Flattens transparency onto white, in place: JPEG has no alpha, and white is what a transparent
 * PNG logo or screenshot shows on the light backgrounds where it is usually viewed.
 */
export function compositeOnWhite(pixels: Pixels): Pixels {
  const { data } = pixels;
  for (let i = 3; i < data.length; i += 4) {
    const alpha = data[i] ?? 255;
    if (alpha === 255) continue;
    const whiteShare = (255 - alpha) * 255;
    for (let c = i - 3; c < i; c++) data[c] = ((data[c] ?? 0) * alpha + whiteShare + 127) / 255;
    data[i] = 255;
  }
  return pixels;
}
