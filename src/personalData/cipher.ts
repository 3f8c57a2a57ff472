/**
 * AES-256-GCM from node:crypto, the only cipher of personal data. A field is stored as
 * `{ "$pii": "<key id>.<base64 of iv | tag | ciphertext>" }` (the plaintext is the value's
 * JSON); a data key is stored wrapped by the master key the same way. A random 96-bit IV per
 * value, and the tag authenticates: a value under a destroyed key can never be read again.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

const IV = 12;
const TAG = 16;

/** The marker key of an encrypted field value. */
export const PII_MARK = '$pii';

/** An encrypted field value as stored. */
export interface SealedValue {
  [PII_MARK]: string;
}

/** The 32-byte master key derived from `event_store.encryption_key` (any secret string). */
export function masterKeyFrom(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** A fresh 32-byte data key. */
export function newDataKey(): Buffer {
  return randomBytes(32);
}

/** Seals bytes with `key`: base64 of iv | tag | ciphertext. */
export function sealBytes(key: Buffer, plain: Buffer, aad?: string): string {
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  if (aad !== undefined) cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/** Opens what sealBytes made; undefined when the key or the text is wrong. */
export function openBytes(key: Buffer, sealed: string, aad?: string): Buffer | undefined {
  const raw = Buffer.from(sealed, 'base64');
  if (raw.length < IV + TAG) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV));
    if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV, IV + TAG));
    return Buffer.concat([decipher.update(raw.subarray(IV + TAG)), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** Encrypts one field value under the data key `keyId`. */
export function sealValue(keyId: string, key: Buffer, value: unknown): SealedValue {
  return { [PII_MARK]: `${keyId}.${sealBytes(key, Buffer.from(JSON.stringify(value), 'utf8'))}` };
}

/** The key id of a stored value, when it is an encrypted one. */
export function sealedKeyId(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const text = (value as Record<string, unknown>)[PII_MARK];
  if (typeof text !== 'string') return undefined;
  const dot = text.indexOf('.');
  return dot > 0 ? text.slice(0, dot) : undefined;
}

/** Decrypts a stored value with its data key; undefined when it cannot be read. */
export function openValue(value: SealedValue, key: Buffer): unknown {
  const text = value[PII_MARK];
  const plain = openBytes(key, text.slice(text.indexOf('.') + 1));
  return plain === undefined ? undefined : (JSON.parse(plain.toString('utf8')) as unknown);
}

/** A keyed digest (HMAC-SHA-256, hex): stands in for a personal value that must be compared, never read (unique values). */
export function digestValue(master: Buffer, value: string): string {
  return `hmac:${createHmac('sha256', master).update(value, 'utf8').digest('hex')}`;
}
