/**
 * A turned baseline JPEG that cannot be turned losslessly, re-encoded from its own component planes.
 *
 * The lossless transform (jpeg-transform.ts) needs the edges a flip moves to the start to be whole
 * MCUs; Samsung's 4000 × 3000 (3000 = 187.5 × 16), 4080 × 3060 and 4000 × 2252 are not, and the
 * original keeps every pixel, so it must be re-encoded. This does that without the RGBA detour:
 * one entropy decoding feeds the display's scaled decoder (as the lossless path does) and a
 * full-size inverse DCT of every block into 8-bit planes at each component's own sampling (Y full
 * size, Cb and Cr at chroma size: 18 MB at 12 MP 4:2:0 instead of 48 MB of RGBA). The planes are
 * encoded through the orientation walk (their sampling grids turned with the picture), with no
 * colour conversion and no chroma resampling, quantised with the source's own tables, so the
 * quality matches the source's. Where luma's moved edges are whole 8 px blocks (4000 × 3000, not
 * 4080 × 3060), its blocks are moved in the DCT domain instead, exactly as the lossless transform
 * moves them: no inverse and forward DCT for two thirds of the blocks, and luma kept exactly.
 */
import { scaledBlockDecoder, scanBlocks, type BaselineJpeg, type BlockDecoder, type JpegFrame } from './jpeg-decoder';
import { encodePlanarJpeg, type PlanarComponent } from './jpeg-encoder';
import { coefficientMap, GEOMETRY, uprightBlock, type ComponentLayout } from './jpeg-transform';
import { orientedWalk, swapsAxes, type Orientation } from './orient';

/**
 * Whether `jpeg` turned by `orientation` can be written from its own planes: YCbCr or grey (Adobe
 * RGB, CMYK and YCCK are left to the RGBA path), and every flipped side a whole number of each
 * component's samples. A 4:2:0 picture of odd width has a last chroma column covering one luma
 * column; mirrored, it would have to cover the first one alone, which takes resampling.
 */
export function canTranscode(jpeg: BaselineJpeg, orientation: Orientation): boolean {
  const colourOk =
    (jpeg.colour === 'ycbcr' && jpeg.components.length === 3) ||
    (jpeg.colour === 'grey' && jpeg.components.length === 1);
  if (!colourOk) return false;
  const { flipX, flipY } = GEOMETRY[orientation];
  return jpeg.components.every(
    (c) => (!flipX || jpeg.width % (jpeg.hMax / c.h) === 0) && (!flipY || jpeg.height % (jpeg.vMax / c.v) === 0),
  );
}

/** A component's full-size decoder, and where its output goes. */
type ComponentReader =
  | { kind: 'samples'; samples: Uint8Array; width: number; height: number; decoder: BlockDecoder }
  | { kind: 'coefficients'; coefficients: Int16Array; blocksWide: number; visit: BlockDecoder['visit'] };

/** The component's plane size: its share of the picture, rounded up (T.81 A.1.1). */
function planeSize(jpeg: BaselineJpeg, index: number): { width: number; height: number } {
  const component = jpeg.components[index]!;
  return {
    width: Math.ceil((jpeg.width * component.h) / jpeg.hMax),
    height: Math.ceil((jpeg.height * component.v) / jpeg.vMax),
  };
}

/**
 * A full-size decoder of one component into its own plane. The scaled decoder at 8/8 does the
 * inverse DCT; it is handed a one-component grey frame of the component's plane size, whose MCU
 * grid is the file's (ceil(ceil(W·h/hMax) / 8h) = ceil(W / 8hMax)), and its grey rows are kept
 * one byte a sample.
 */
function sampleReader(jpeg: BaselineJpeg, index: number): ComponentReader {
  const component = jpeg.components[index]!;
  const { width, height } = planeSize(jpeg, index);
  const frame: JpegFrame = {
    width,
    height,
    components: [component],
    hMax: component.h,
    vMax: component.v,
    colour: 'grey',
    adobe: false,
    quantTables: jpeg.quantTables,
  };
  const samples = new Uint8Array(width * height);
  const decoder = scaledBlockDecoder(frame, 8, {
    accept(rows, firstRow, rowCount) {
      const count = rowCount * width;
      for (let i = 0, o = firstRow * width; i < count; i++, o++) samples[o] = rows[i * 4]!;
    },
  });
  return { kind: 'samples', samples, width, height, decoder };
}

/**
 * Luma's blocks can be moved instead of decoded and encoded again when every flipped side of its
 * plane is whole 8 px blocks (4000 × 3000 at orientation 6: 3000 = 375 blocks, though 187.5
 * MCUs): the block grid then stays where it was, and the output keeps its coefficients exactly,
 * as the lossless transform does. It costs 2 bytes a sample instead of 1 (24 MB at 12 MP), so
 * chroma, a third of the blocks, is always decoded. Tables past baseline's 255 cannot be kept.
 */
function movesBlocks(jpeg: BaselineJpeg, index: number, orientation: Orientation): boolean {
  const { flipX, flipY } = GEOMETRY[orientation];
  const { width, height } = planeSize(jpeg, index);
  const table = jpeg.quantTables[jpeg.components[index]!.quantId]!;
  return index === 0 && (!flipX || width % 8 === 0) && (!flipY || height % 8 === 0) && table.every((q) => q <= 255);
}

/** Keeps every block of one component, turned (jpeg-transform.ts's coefficient map), in its upright place. */
function coefficientReader(jpeg: BaselineJpeg, index: number, orientation: Orientation): ComponentReader {
  const geometry = GEOMETRY[orientation];
  const component = jpeg.components[index]!;
  const { width, height } = planeSize(jpeg, index);
  const layout: ComponentLayout = {
    id: component.id,
    quantId: component.quantId,
    h: component.h,
    v: component.v,
    usedWide: Math.ceil(width / 8),
    usedHigh: Math.ceil(height / 8),
  };
  // The upright frame's MCU grid, which the encoder walks; its padding blocks stay zero.
  const { transpose } = geometry;
  const uprightWidth = transpose ? jpeg.height : jpeg.width;
  const uprightHeight = transpose ? jpeg.width : jpeg.height;
  const h = transpose ? component.v : component.h;
  const v = transpose ? component.h : component.v;
  const blocksWide = Math.ceil(uprightWidth / (8 * (transpose ? jpeg.vMax : jpeg.hMax))) * h;
  const blocksHigh = Math.ceil(uprightHeight / (8 * (transpose ? jpeg.hMax : jpeg.vMax))) * v;
  const coefficients = new Int16Array(blocksWide * blocksHigh * 64);
  const { from, sign } = coefficientMap(geometry);
  const visit: BlockDecoder['visit'] = (_c, blockX, blockY, stored) => {
    const place = uprightBlock(layout, geometry, blockX, blockY);
    if (!place) return;
    const at = (place[1] * blocksWide + place[0]) * 64;
    for (let k = 0; k < 64; k++) coefficients[at + k] = sign[k]! * stored[from[k]!]!;
  };
  return { kind: 'coefficients', coefficients, blocksWide, visit };
}

/** A baseline JPEG's components read for turning: decoded at full size at their own sampling, or luma's blocks moved. */
export interface JpegPlanes {
  jpeg: BaselineJpeg;
  orientation: Orientation;
  components: ComponentReader[];
}

/**
 * Reads every component of `jpeg` for turning by `orientation`; `alongside`, if given, sees every
 * block as it is read (the display's scaled decoder), so the file is entropy-decoded once for both.
 * Throws UndecodableImageError when the data is damaged or ends early.
 */
export function decodePlanes(
  bytes: Uint8Array,
  jpeg: BaselineJpeg,
  orientation: Orientation,
  alongside?: BlockDecoder,
): JpegPlanes {
  const components = jpeg.components.map((_, index) =>
    movesBlocks(jpeg, index, orientation) ? coefficientReader(jpeg, index, orientation) : sampleReader(jpeg, index),
  );
  const visitors = components.map((reader) => (reader.kind === 'samples' ? reader.decoder.visit : reader.visit));
  const decoders = components.flatMap((reader) => (reader.kind === 'samples' ? [reader.decoder] : []));
  scanBlocks(
    bytes,
    jpeg,
    (c, blockX, blockY, coefficients) => {
      alongside?.visit(c, blockX, blockY, coefficients);
      visitors[c]!(0, blockX, blockY, coefficients);
    },
    (mcuRow) => {
      alongside?.rowDone(mcuRow);
      for (const decoder of decoders) decoder.rowDone(mcuRow);
    },
  );
  return { jpeg, orientation, components };
}

/** A stored table as the upright blocks need it: transposed with them, and within 8-bit baseline's 1–255. */
function uprightTable(table: Uint16Array, transpose: boolean): Uint8Array {
  const out = new Uint8Array(64);
  for (let i = 0; i < 64; i++) {
    const value = table[transpose ? (i % 8) * 8 + (i >> 3) : i]!;
    out[i] = Math.min(255, Math.max(1, value));
  }
  return out;
}

/**
 * The upright JPEG of the components read by `decodePlanes`: the same sampling factors (turned),
 * the source's quantisation tables (turned), optimal Huffman tables; no metadata. `expectedBytes`
 * sizes the output buffer (about the source file's size).
 */
export function encodeTurnedPlanes({ jpeg, orientation, components }: JpegPlanes, expectedBytes: number): Uint8Array {
  const transpose = swapsAxes(orientation);
  const planar: PlanarComponent[] = components.map((reader, index) => {
    const { h, v, quantId } = jpeg.components[index]!;
    const sampling = { h: transpose ? v : h, v: transpose ? h : v, quantId };
    return reader.kind === 'samples'
      ? { ...sampling, samples: reader.samples, walk: orientedWalk(reader.width, reader.height, orientation) }
      : { ...sampling, coefficients: reader.coefficients, blocksWide: reader.blocksWide };
  });
  const quantTables = jpeg.quantTables.map((table, id) =>
    planar.some((c) => c.quantId === id) ? uprightTable(table, transpose) : undefined,
  );
  return encodePlanarJpeg(
    {
      width: transpose ? jpeg.height : jpeg.width,
      height: transpose ? jpeg.width : jpeg.height,
      components: planar,
      quantTables,
    },
    expectedBytes,
  );
}

/** Both steps at once (tests, tools): the upright JPEG of a turned baseline file, from its own planes. */
export function transcodeJpeg(
  bytes: Uint8Array,
  jpeg: BaselineJpeg,
  orientation: Orientation,
  alongside?: BlockDecoder,
): Uint8Array {
  // Same tables, same picture: about the source's size (new Huffman tables, a little rounding).
  return encodeTurnedPlanes(decodePlanes(bytes, jpeg, orientation, alongside), bytes.length * 1.05);
}
