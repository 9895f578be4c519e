/**
 * The photos people upload: small real JPEGs as phones make them (VGA, 1.2 MP, 3 MP; upright and
 * tagged portrait), made once with sharp by the pipeline bench's generator and reused.
 */
import { photoJpeg } from '../pipeline.ts';

const SIZES = [
  { width: 640, height: 480 },
  { width: 1280, height: 960 },
  { width: 2048, height: 1536 },
];

export async function makePhotos(): Promise<Buffer[]> {
  const photos: Buffer[] = [];
  for (const { width, height } of SIZES)
    for (const orientation of [1, 6]) photos.push(await photoJpeg(width, height, orientation));
  return photos;
}
