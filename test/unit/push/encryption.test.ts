/**
 * One push message decrypted independently of the code that made it: with `http_ece` (the
 * reference implementation of RFC 8188 that web-push libraries use) and the subscription's
 * private key, made here as a browser would.
 */
import { env } from 'cloudflare:workers';
import { createECDH, randomBytes } from 'node:crypto';
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import ece from 'http_ece';
import { webPushRequest } from '../../../src/notifications/push/web-push';

const vapid = { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY, subject: 'mailto:test@lumen.test' };

function browserSubscription() {
  const keys = createECDH('prime256v1');
  keys.generateKeys();
  const auth = randomBytes(16);
  const endpoint = 'https://push.example.com/send/device-1';
  return {
    keys,
    auth,
    subscription: { endpoint, p256dh: keys.getPublicKey('base64url'), auth: auth.toString('base64url') },
  };
}

describe('a Web Push message', () => {
  it('decrypts with http_ece (aes128gcm) and the subscription’s own keys to the payload sent', async () => {
    const { keys, auth, subscription } = browserSubscription();
    const payload = JSON.stringify({ type: 'comment', content: 'héllo 👋' });
    const request = await webPushRequest(subscription, payload, { ttl: 60, urgency: 'normal' }, vapid);

    expect(request.headers['content-encoding']).toBe('aes128gcm');
    expect(request.headers.ttl).toBe('60');
    expect(request.headers.urgency).toBe('normal');
    const body = Buffer.from(request.body as Uint8Array);
    // Padded to one full record, so the size says nothing about the content.
    expect(body.byteLength).toBe(4096);
    const plaintext = ece.decrypt(body, { version: 'aes128gcm', privateKey: keys, authSecret: auth });
    expect(plaintext.toString('utf8')).toBe(payload);
  });

  it('carries a VAPID token signed by the server key, for the endpoint’s origin, expiring within a day', async () => {
    const { subscription } = browserSubscription();
    const request = await webPushRequest(subscription, '{}', { ttl: 60, urgency: 'low' }, vapid);
    const match = /^vapid t=([^,]+), k=(.+)$/.exec(request.headers.authorization ?? '');
    expect(match?.[2]).toBe(vapid.publicKey);
    const token = match?.[1] ?? '';
    expect(decodeProtectedHeader(token)).toEqual({ typ: 'JWT', alg: 'ES256' });
    const point = Buffer.from(vapid.publicKey, 'base64url');
    const publicKey = await importJWK(
      {
        kty: 'EC',
        crv: 'P-256',
        x: point.subarray(1, 33).toString('base64url'),
        y: point.subarray(33).toString('base64url'),
      },
      'ES256',
    );
    const { payload } = await jwtVerify(token, publicKey, {
      audience: 'https://push.example.com',
      requiredClaims: ['exp', 'sub'],
    });
    expect(payload.sub).toBe(vapid.subject);
    expect(payload.exp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 24 * 3600);
  });

  it('cannot be read with another subscription’s keys', async () => {
    const { subscription } = browserSubscription();
    const stranger = browserSubscription();
    const request = await webPushRequest(subscription, 'secret', { ttl: 60, urgency: 'low' }, vapid);
    const body = Buffer.from(request.body as Uint8Array);
    expect(() =>
      ece.decrypt(body, { version: 'aes128gcm', privateKey: stranger.keys, authSecret: stranger.auth }),
    ).toThrow();
  });
});
