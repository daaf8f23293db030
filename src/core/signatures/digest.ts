/** Hashing, strict decoding and constant-time comparison shared by the shared-secret schemes. */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type HashAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type DigestEncoding = 'hex' | 'base64';

type Part = string | Buffer;

/** HMAC over the concatenation of `parts`; strings are UTF-8, like every provider's reference code. */
export function hmac(algorithm: HashAlgorithm, key: string | Buffer, ...parts: Part[]): Buffer {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

export function hash(algorithm: HashAlgorithm, ...parts: Part[]): Buffer {
  const digest = createHash(algorithm);
  for (const part of parts) digest.update(part);
  return digest.digest();
}

/**
 * Constant-time equality. Lengths are compared first: a digest's length is public (it follows from the algorithm),
 * so only the content needs protecting from timing.
 */
export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Constant-time equality of two strings of any length (hashing first hides the length, which for a token is secret). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(hash('sha256', a), hash('sha256', b));
}

const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Bytes of a hex string, or undefined when it isn't hex (Buffer.from would silently stop at the first bad digit). */
export function decodeHex(text: string): Buffer | undefined {
  return HEX.test(text) ? Buffer.from(text, 'hex') : undefined;
}

/** Bytes of standard padded base64, or undefined when it isn't (Buffer.from skips bad characters silently). */
export function decodeBase64(text: string): Buffer | undefined {
  return text.length > 0 && BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
}

export function decode(text: string, encoding: DigestEncoding): Buffer | undefined {
  return encoding === 'hex' ? decodeHex(text) : decodeBase64(text);
}
