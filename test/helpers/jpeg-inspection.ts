import { MARKER, readSegmentAt } from '../../src/shared/image/jpeg-segments';

/** The markers of a JPEG's header segments, up to its first scan. */
export function headerMarkers(bytes: Uint8Array): number[] {
  const markers: number[] = [];
  let pos = 2;
  for (;;) {
    const read = readSegmentAt(bytes, pos);
    if (!read.ok) return markers;
    markers.push(read.segment.marker);
    if (read.segment.marker === MARKER.SOS) return markers;
    pos = read.segment.end;
  }
}

const APP1 = 0xe1;
const COM = 0xfe;

/** True when the file carries no EXIF, XMP (both APP1), maker notes (inside EXIF) or comments. */
export function carriesNoMetadata(bytes: Uint8Array): boolean {
  const markers = headerMarkers(bytes);
  return markers.includes(MARKER.SOS) && !markers.some((m) => m === APP1 || m === COM || (m >= 0xe3 && m <= 0xed));
}

/** True when the bytes contain this ASCII text anywhere (e.g. an "Exif" or "GPS" tag name). */
export function containsText(bytes: Uint8Array, text: string): boolean {
  const needle = new TextEncoder().encode(text);
  outer: for (let i = 0; i + needle.length <= bytes.length; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
