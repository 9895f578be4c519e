/**
 * A profile photo: the upright image's centred square, AVATAR_SIDE pixels wide (never upscaled),
 * as a metadata-free JPEG. Built from the same stages as the post variants: decode at about the
 * size needed, orient, crop, resize, encode.
 */
import { decodeImage, inspect, uprightOrientation, type SourceFormat } from './decode';
import { encodeJpeg } from './jpeg-encoder';
import { VARIANT_QUALITY } from './limits';
import { orient } from './orient';
import { allocatePixels, type Pixels } from './pixels';
import { resize } from './resize';

export const AVATAR_SIDE = 400;

function centredSquare(pixels: Pixels): Pixels {
  const side = Math.min(pixels.width, pixels.height);
  if (pixels.width === side && pixels.height === side) return pixels;
  const left = Math.floor((pixels.width - side) / 2);
  const top = Math.floor((pixels.height - side) / 2);
  const square = allocatePixels(side, side);
  for (let row = 0; row < side; row++) {
    const from = ((top + row) * pixels.width + left) * 4;
    square.data.set(pixels.data.subarray(from, from + side * 4), row * side * 4);
  }
  return square;
}

export async function renderAvatar(
  input: Uint8Array,
  format: SourceFormat,
  orientation: number,
): Promise<{ bytes: Uint8Array; side: number }> {
  const image = inspect(input, format);
  // Decode so the shorter side is at least AVATAR_SIDE: the square is cut from the middle of it.
  const scale = Math.min(1, AVATAR_SIDE / Math.min(image.width, image.height));
  const target = {
    width: Math.max(1, Math.ceil(image.width * scale)),
    height: Math.max(1, Math.ceil(image.height * scale)),
  };
  const decoded = await decodeImage(input, image, target, false);
  const square = centredSquare(orient(decoded, uprightOrientation(input, format, orientation)));
  const side = Math.min(AVATAR_SIDE, square.width);
  return { bytes: encodeJpeg(resize(square, side, side, 'lanczos3'), VARIANT_QUALITY), side };
}
