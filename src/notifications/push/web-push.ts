/**
 * One Web Push message (RFC 8030): the payload encrypted `aes128gcm` for the subscription
 * (RFC 8291, by `@block65/webcrypto-web-push`, WebCrypto only) and authorised with a VAPID JWT
 * (RFC 8292, signed by jose). The library's own VAPID helper refuses any `http:` endpoint, which
 * would rule out the local push service that dev and the tests use; jose signs the same ES256
 * token for every scheme.
 */
import { encryptNotification } from '@block65/webcrypto-web-push';
import { importJWK, SignJWT } from 'jose';
import type { PushKeys } from '../../db/queries/push';
import { base64url, fromBase64url } from '../../shared/base64url';

export interface VapidKeys {
  /** The application server key: an uncompressed P-256 point, base64url (what browsers subscribe with). */
  publicKey: string;
  /** Its private scalar `d`, base64url. */
  privateKey: string;
  /** Who runs this server, for push services to reach: `mailto:` or `https:`. */
  subject: string;
}

export interface PushOptions {
  /** Seconds the push service may hold the message for an offline device. */
  ttl: number;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
}

/** A push service must accept 4096 octets; the library pads every message to that (so lengths say nothing). */
export const maxPayloadBytes = 4096 - 86 - 17;

const signingKeys = new Map<string, ReturnType<typeof importJWK>>();

function signingKey(vapid: VapidKeys) {
  let key = signingKeys.get(vapid.privateKey);
  if (!key) {
    const point = fromBase64url(vapid.publicKey);
    const jwk = {
      kty: 'EC',
      crv: 'P-256',
      x: base64url(point.slice(1, 33)),
      y: base64url(point.slice(33, 65)),
      d: vapid.privateKey,
    };
    key = importJWK(jwk, 'ES256');
    signingKeys.set(vapid.privateKey, key);
  }
  return key;
}

/** `Authorization: vapid t=<jwt>, k=<public key>` for the endpoint's origin, valid 12 hours. */
export async function vapidAuthorization(endpoint: string, vapid: VapidKeys): Promise<string> {
  const token = await new SignJWT({ sub: vapid.subject })
    .setProtectedHeader({ typ: 'JWT', alg: 'ES256' })
    .setAudience(new URL(endpoint).origin)
    .setExpirationTime('12h')
    .sign(await signingKey(vapid));
  return `vapid t=${token}, k=${vapid.publicKey}`;
}

/** The encrypted body and headers of one push message, ready to POST to the endpoint. */
export async function webPushRequest(
  subscription: PushKeys,
  payload: string,
  options: PushOptions,
  vapid: VapidKeys,
): Promise<RequestInit & { headers: Record<string, string> }> {
  const body = await encryptNotification(
    {
      endpoint: subscription.endpoint,
      expirationTime: null,
      keys: { p256dh: subscription.p256dh, auth: subscription.auth },
    },
    new TextEncoder().encode(payload),
  );
  return {
    method: 'POST',
    // A push service never redirects; following one could lead to an address the policy refused.
    redirect: 'manual',
    headers: {
      authorization: await vapidAuthorization(subscription.endpoint, vapid),
      'content-encoding': 'aes128gcm',
      'content-type': 'application/octet-stream',
      ttl: String(options.ttl),
      urgency: options.urgency,
    },
    body,
  };
}
