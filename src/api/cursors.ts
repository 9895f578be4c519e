/**
 * Opaque pagination cursors: the position as JSON, base64url-encoded, with an HMAC so a client
 * cannot forge a position (or smuggle values into a query). A cursor that does not parse or
 * verify is a 400, as the contract says.
 */
import type { z } from '@hono/zod-openapi';
import { base64url } from '../shared/base64url';
import { ApiError } from '../shared/errors';

const encoder = new TextEncoder();
const signatureBytes = 12;

function fromBase64url(text: string): Uint8Array {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export interface CursorCodec {
  encode(position: unknown): Promise<string>;
  decode<T>(schema: z.ZodType<T>, cursor: string): Promise<T>;
}

export function cursorCodec(secret: string): CursorCodec {
  let key: Promise<CryptoKey> | undefined;
  const signingKey = () =>
    (key ??= crypto.subtle
      .importKey('raw', encoder.encode(`lumen cursors v1\n${secret}`), { name: 'HMAC', hash: 'SHA-256' }, false, [
        'sign',
      ])
      .then((k) => k));
  const sign = async (payload: string) =>
    new Uint8Array(await crypto.subtle.sign('HMAC', await signingKey(), encoder.encode(payload))).slice(
      0,
      signatureBytes,
    );
  const invalid = () =>
    new ApiError('VALIDATION_ERROR', 'The cursor is not valid', {
      details: [{ field: 'cursor', message: 'Unknown or altered cursor' }],
    });

  return {
    async encode(position) {
      const payload = base64url(encoder.encode(JSON.stringify(position)));
      return `${payload}.${base64url(await sign(payload))}`;
    },
    async decode(schema, cursor) {
      const [payload, signature, extra] = cursor.split('.');
      if (!payload || !signature || extra !== undefined) throw invalid();
      let given: Uint8Array;
      let position: unknown;
      try {
        given = fromBase64url(signature);
        position = JSON.parse(new TextDecoder().decode(fromBase64url(payload)));
      } catch {
        throw invalid();
      }
      const expected = await sign(payload);
      if (given.length !== expected.length || !crypto.subtle.timingSafeEqual(given, expected)) throw invalid();
      const parsed = schema.safeParse(position);
      if (!parsed.success) throw invalid();
      return parsed.data;
    },
  };
}
