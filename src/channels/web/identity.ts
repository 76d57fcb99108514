import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Who a web chat visitor is, decided by the server: a random id it issued, in a signed, HttpOnly,
 * SameSite=Lax cookie `gongyou_web` (the page's script cannot read or forge it). Conversations,
 * quotas, records and notices are keyed by this id; the client id a page sends in the body is not
 * believed any more. The signing key is WEB_COOKIE_SECRET, or else a key generated once and kept
 * in the data dir as `web-cookie.key` (so identities survive a restart).
 */

export const WEB_COOKIE = 'gongyou_web';
const KEY_FILE = 'web-cookie.key';
/** A year: a worker's phone keeps its conversation and its notices. */
export const WEB_COOKIE_MAX_AGE = 365 * 24 * 3600;

export class WebIdentity {
  private readonly key: Buffer;

  constructor(secret: string | Buffer) {
    this.key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  }

  /** The configured secret, or the data dir's key file (created on first use, readable by the owner only). */
  static load(dataDir: string, secret?: string): WebIdentity {
    if (secret) return new WebIdentity(secret);
    const path = join(dataDir, KEY_FILE);
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8').trim();
      if (text.length >= 32) return new WebIdentity(text);
    }
    mkdirSync(dataDir, { recursive: true });
    const fresh = randomBytes(32).toString('base64url');
    writeFileSync(path, `${fresh}\n`, { mode: 0o600 });
    try {
      chmodSync(path, 0o600);
    } catch {
      // a file system without modes
    }
    return new WebIdentity(fresh);
  }

  /** A new visitor id (22 characters of base64url). */
  newId(): string {
    return randomBytes(16).toString('base64url');
  }

  /** The cookie value for an id: "<id>.<signature>". */
  sign(id: string): string {
    return `${id}.${this.mac(id)}`;
  }

  /** The id in a cookie value, if its signature is right. */
  verify(value: string | undefined): string | undefined {
    if (!value) return undefined;
    const dot = value.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const id = value.slice(0, dot);
    if (!/^[A-Za-z0-9_-]{8,64}$/.test(id)) return undefined;
    const want = Buffer.from(this.mac(id));
    const got = Buffer.from(value.slice(dot + 1));
    return got.length === want.length && timingSafeEqual(got, want) ? id : undefined;
  }

  private mac(id: string): string {
    return createHmac('sha256', this.key).update(`gongyou-web:${id}`).digest('base64url');
  }
}
