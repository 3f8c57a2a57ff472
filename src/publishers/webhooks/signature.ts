/**
 * Webhook signatures: `X-Tusk-Signature: sha256=<hex>` is the HMAC-SHA256, keyed with the
 * `secret`, of `<X-Tusk-Timestamp>.<raw body>`. The timestamp (Unix seconds) is inside the
 * signed text, so a receiver that rejects old timestamps also rejects replayed requests.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-tusk-signature';
export const TIMESTAMP_HEADER = 'x-tusk-timestamp';

/** `sha256=<hex>` for a body sent at `timestamp` (Unix seconds). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does: true when `signature` matches and `timestamp` is within `toleranceSeconds`
 * of `nowSeconds`. Exported for receivers written in TypeScript and for the tests.
 */
export function verifyWebhook(
  secret: string,
  body: string,
  timestamp: string | undefined,
  signature: string | undefined,
  options: { toleranceSeconds?: number; nowSeconds?: number } = {},
): boolean {
  if (timestamp === undefined || signature === undefined || !/^\d{1,12}$/.test(timestamp)) return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
