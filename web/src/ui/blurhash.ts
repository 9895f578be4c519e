/**
 * BlurHash decoding (https://blurha.sh), painted onto a tiny canvas that CSS stretches: a few
 * hundred bytes of string stand in for the photo while its thumbnail downloads.
 */
const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~';

function decode83(text: string): number {
  let value = 0;
  for (const char of text) value = value * 83 + alphabet.indexOf(char);
  return value;
}

const toLinear = (value: number) => {
  const v = value / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
};
const toSrgb = (value: number) => {
  const v = Math.max(0, Math.min(1, value));
  return Math.round((v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055) * 255);
};
const signPow = (value: number, exp: number) => Math.sign(value) * Math.abs(value) ** exp;

export function paintBlurhash(hash: string, canvas: HTMLCanvasElement, width = 32, height = 32): boolean {
  const sizeFlag = decode83(hash[0] ?? '');
  const nx = (sizeFlag % 9) + 1;
  const ny = Math.floor(sizeFlag / 9) + 1;
  if (hash.length !== 4 + 2 * nx * ny) return false;
  const maxAc = (decode83(hash[1] ?? '') + 1) / 166;
  const colours: [number, number, number][] = [];
  const dc = decode83(hash.slice(2, 6));
  colours.push([toLinear(dc >> 16), toLinear((dc >> 8) & 255), toLinear(dc & 255)]);
  for (let i = 1; i < nx * ny; i++) {
    const ac = decode83(hash.slice(4 + i * 2, 6 + i * 2));
    const channel = (q: number) => signPow((q - 9) / 9, 2) * maxAc;
    colours.push([channel(Math.floor(ac / 361)), channel(Math.floor(ac / 19) % 19), channel(ac % 19)]);
  }
  const context = canvas.getContext('2d');
  if (!context) return false;
  canvas.width = width;
  canvas.height = height;
  const image = context.createImageData(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0,
        g = 0,
        b = 0;
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const basis = Math.cos((Math.PI * x * i) / width) * Math.cos((Math.PI * y * j) / height);
          const colour = colours[i + j * nx]!;
          r += colour[0] * basis;
          g += colour[1] * basis;
          b += colour[2] * basis;
        }
      }
      const at = 4 * (x + y * width);
      image.data.set([toSrgb(r), toSrgb(g), toSrgb(b), 255], at);
    }
  }
  context.putImageData(image, 0, 0);
  return true;
}
