import { call, callJson } from './api';

export interface UploadFields {
  caption?: string;
  altText?: string;
  tags?: string;
  location?: string;
  privacy?: string;
  [extra: string]: string | undefined;
}

export function uploadForm(bytes: Uint8Array, fields: UploadFields = {}, filename = 'photo.jpg'): FormData {
  const form = new FormData();
  form.append('image', new File([bytes], filename, { type: 'image/jpeg' }));
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) form.append(name, value);
  return form;
}

export interface UploadAnswer {
  postId: string;
  imageUrl: string;
  thumbnailUrl: string;
  processingStatus: string;
  estimatedProcessingTime: number;
}

export function upload(
  token: string,
  bytes: Uint8Array,
  fields: UploadFields = {},
  headers: Record<string, string> = {},
) {
  return callJson<UploadAnswer>('/api/v1/images/upload', { token, body: uploadForm(bytes, fields), headers });
}

export function rawUpload(token: string, body: BodyInit, headers: Record<string, string> = {}) {
  return call('/api/v1/images/upload', { token, body, headers });
}

/** A PNG that is only a header: its IHDR claims `width`×`height` pixels it does not contain. */
export function pngClaiming(width: number, height: number): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const chunk = new Uint8Array(8 + 13 + 4);
  const chunkView = new DataView(chunk.buffer);
  chunkView.setUint32(0, 13);
  chunk.set(new TextEncoder().encode('IHDR'), 4);
  chunk.set(ihdr, 8);
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  return new Uint8Array([...signature, ...chunk]);
}
