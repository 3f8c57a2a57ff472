/** Webhook signatures, checked against an HMAC computed here independently. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../../src/publishers/webhooks/signature.js';

const body = '{"id":"e1","type":"OrderCreated"}';

describe('webhook signature', () => {
  it('is sha256=<hex HMAC of "<timestamp>.<raw body>">', () => {
    const expected = createHmac('sha256', 's3cret').update(`1700000000.${body}`).digest('hex');
    expect(signWebhook('s3cret', 1700000000, body)).toBe(`sha256=${expected}`);
  });

  it('verifies the right secret, body and a fresh timestamp', () => {
    const sig = signWebhook('s3cret', 1700000000, body);
    expect(verifyWebhook('s3cret', body, '1700000000', sig, { nowSeconds: 1700000010 })).toBe(true);
  });

  it('rejects another secret, a changed body, a moved timestamp, an old request, missing headers', () => {
    const sig = signWebhook('s3cret', 1700000000, body);
    const now = { nowSeconds: 1700000010 };
    expect(verifyWebhook('other', body, '1700000000', sig, now)).toBe(false);
    expect(verifyWebhook('s3cret', body.replace('e1', 'e2'), '1700000000', sig, now)).toBe(false);
    expect(verifyWebhook('s3cret', body, '1700000001', sig, now)).toBe(false);
    expect(verifyWebhook('s3cret', body, '1700000000', sig, { nowSeconds: 1700000000 + 301 })).toBe(false);
    expect(verifyWebhook('s3cret', body, undefined, sig, now)).toBe(false);
    expect(verifyWebhook('s3cret', body, '1700000000', undefined, now)).toBe(false);
    expect(verifyWebhook('s3cret', body, '1700000000', 'sha256=00', now)).toBe(false);
  });
});
