import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The 公众号 callback's signatures and its safe-mode (安全模式) envelope, on node:crypto.
 * Signature: SHA-1 (hex) of the parts sorted and joined. Envelope: AES-256-CBC with the
 * EncodingAESKey (43 base64 characters + "=" → 32 bytes), IV = the key's first 16 bytes, PKCS#7
 * padding to 32-byte blocks; the plaintext is 16 random bytes, the message's length (4 bytes,
 * big-endian), the message, then the AppID.
 */

/** SHA-1 hex of the parts sorted as strings and joined: `signature` and `msg_signature`. */
export function signature(...parts: string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

/** Compares a signature received with the one expected, in constant time. */
export function sameSignature(got: string | undefined, expected: string): boolean {
  if (!got) return false;
  const a = Buffer.from(got.toLowerCase());
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const BLOCK = 32;

export class Envelope {
  private readonly key: Buffer;

  constructor(
    aesKey: string,
    private readonly appId: string,
  ) {
    this.key = Buffer.from(`${aesKey}=`, 'base64');
    if (this.key.length !== 32) throw new Error('EncodingAESKey must decode to 32 bytes');
  }

  /** The message inside an `Encrypt` value; throws when it does not decrypt or is for another AppID. */
  open(encrypted: string): string {
    const decipher = createDecipheriv('aes-256-cbc', this.key, this.key.subarray(0, 16));
    decipher.setAutoPadding(false);
    const padded = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
    const pad = padded.at(-1) ?? 0;
    if (pad < 1 || pad > BLOCK || pad > padded.length) throw new Error('bad padding');
    const plain = padded.subarray(0, padded.length - pad);
    if (plain.length < 20) throw new Error('message too short');
    const length = plain.readUInt32BE(16);
    if (20 + length > plain.length) throw new Error('bad length');
    const appId = plain.subarray(20 + length).toString('utf8');
    if (appId !== this.appId) throw new Error('message for another AppID');
    return plain.subarray(20, 20 + length).toString('utf8');
  }

  /** The `Encrypt` value for a message (`random`: 16 bytes, fixed in tests). */
  seal(message: string, random: Buffer = randomBytes(16)): string {
    const body = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    const plain = Buffer.concat([random, length, body, Buffer.from(this.appId, 'utf8')]);
    const pad = BLOCK - (plain.length % BLOCK);
    const cipher = createCipheriv('aes-256-cbc', this.key, this.key.subarray(0, 16));
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
  }
}
