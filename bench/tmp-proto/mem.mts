import fs from 'fs';
import { createRequire } from 'module';
import { execFileSync } from 'child_process';
import sharp from 'sharp';
import { initCodecs, processImage, setPipelineProbe } from '/work/wt/formats/src/processor/pipeline/index';
import { buildHeif } from '/work/wt/formats/test/fixtures/images/heif-writer';
const require = createRequire('/work/wt/formats/package.json');
const w = (p: string) => new WebAssembly.Module(fs.readFileSync(require.resolve(p)));
initCodecs({ jpegDecoder: w('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm'), jpegEncoder: w('@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm'), webpDecoder: w('@jsquash/webp/codec/dec/webp_dec.wasm'), heifDecoder: w('libheif-js/libheif-wasm/libheif.wasm'), avifDecoder: w('@jsquash/avif/codec/dec/avif_dec.wasm') });
const [kind, mp] = [process.argv[2], Number(process.argv[3])];
let file: Uint8Array;
let format: 'heic' | 'avif' = 'heic';
const noise = (W: number, H: number) => { const b = Buffer.alloc(W * H * 3); let s = 7; for (let i = 0; i < b.length; i++) { s = (s * 1103515245 + 12345) >>> 0; b[i] = (s >>> 16) & 255 ; } return b; };
if (kind === 'heic') {
  if (!fs.existsSync('/tmp/fmtx/t512.heic')) {
    await sharp(noise(512, 512), { raw: { width: 512, height: 512, channels: 3 } }).blur(1.2).png().toFile('/tmp/fmtx/t512.png');
    execFileSync('heif-enc', ['-q', '90', '-o', '/tmp/fmtx/t512.heic', '/tmp/fmtx/t512.png']);
  }
  const tile = new Uint8Array(fs.readFileSync('/tmp/fmtx/t512.heic'));
  const [cols, rows] = mp >= 48 ? [16, 12] : mp >= 24 ? [12, 8] : [8, 6];
  const [width, height] = mp >= 48 ? [8064, 6048] : mp >= 24 ? [5712, 4284] : [4032, 3024];
  file = buildHeif({ tiles: Array.from({ length: cols * rows }, () => tile), grid: { columns: cols, rows, width, height }, transforms: [{ irot: 3 }] });
} else {
  format = 'avif';
  const side = Math.round(Math.sqrt(mp * 1e6 * 4 / 3));
  const W = side, H = Math.round(side * 3 / 4);
  file = new Uint8Array(await sharp(noise(W, H), { raw: { width: W, height: H, channels: 3 } }).blur(1.2).avif({ quality: 70, effort: 2 }).toBuffer());
}
if (global.gc) global.gc();
const base = process.memoryUsage();
let peakRss = 0, peakAcc = 0; const live = new Map<string, number>();
const sample = () => { const u = process.memoryUsage(); peakRss = Math.max(peakRss, u.rss - base.rss); peakAcc = Math.max(peakAcc, u.heapUsed + u.arrayBuffers - base.heapUsed - base.arrayBuffers + [...live.values()].reduce((a, b) => a + b, 0)); };
setPipelineProbe({ codecReturned: (n, m) => { console.log('wasm', n, Math.round(m/1048576), 'ab', Math.round((process.memoryUsage().arrayBuffers-base.arrayBuffers)/1048576)); live.set(n, m); sample(); live.delete(n); }, stepEnded: (s) => { sample(); console.log('step', s, Math.round((process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - base.heapUsed - base.arrayBuffers)/1048576)); } });
const timer = setInterval(sample, 5);
const t = performance.now();
const r = await processImage(file, format, 1);
clearInterval(timer); sample();
console.log(kind, mp, 'MP file', (file.length / 1e6).toFixed(1), 'MB', r.width, 'x', r.height, 'ms', Math.round(performance.now() - t), 'peak MB rss/accounted', Math.round(peakRss / 1048576), Math.round(peakAcc / 1048576));
