import type { PresentedNotification } from '../present';
import { maxPayloadBytes, type PushOptions } from './web-push';

const bytesOf = (text: string) => new TextEncoder().encode(text).byteLength;

/**
 * The push payload: the notification's JSON as the list shows it. A long comment (2200
 * characters can be 8 KB of UTF-8) is shortened with an ellipsis to fit one push message; the
 * app reads the full text from the API when opened.
 */
export function pushPayload(notification: PresentedNotification): string {
  const whole = JSON.stringify(notification);
  if (bytesOf(whole) <= maxPayloadBytes || notification.content === undefined) return whole;
  let content = notification.content;
  let json = whole;
  while (bytesOf(json) > maxPayloadBytes && content.length > 0) {
    // Drop at least what is over, counted in characters (each at most 4 bytes, so never too few twice).
    const over = Math.ceil((bytesOf(json) - maxPayloadBytes) / 4) + 1;
    content = Array.from(content).slice(0, -over).join('');
    json = JSON.stringify({ ...notification, content: `${content}…` });
  }
  return json;
}

/**
 * How long a push service keeps a message for an offline device, and how urgently it wakes one:
 * a like can wait and may be dropped in a day; a comment or follow is worth a prompt wake-up.
 */
export function pushOptionsFor(type: PresentedNotification['type']): PushOptions {
  return type === 'like' ? { ttl: 24 * 3600, urgency: 'low' } : { ttl: 3 * 24 * 3600, urgency: 'normal' };
}
