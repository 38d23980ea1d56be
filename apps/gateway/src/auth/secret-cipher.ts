import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AccessKey secrets at rest: AES-256-GCM under ACCESS_KEY_ENCRYPTION_KEY, the AccessKeyId as associated data
 * (a ciphertext copied onto another key's row does not decrypt). A database dump without the environment's
 * key reveals no usable secret.
 */
export class SecretCipher {
  private readonly key: Buffer;

  constructor(encodedKey: string) {
    this.key = SecretCipher.parseKey(encodedKey);
  }

  /** 32 bytes as 64 hex digits or base64 (44 characters). */
  static parseKey(encoded: string): Buffer {
    const key = /^[0-9a-fA-F]{64}$/.test(encoded) ? Buffer.from(encoded, 'hex') : Buffer.from(encoded, 'base64');
    if (key.length !== 32) throw new Error('ACCESS_KEY_ENCRYPTION_KEY must be 32 bytes (64 hex digits or base64)');
    return key;
  }

  encrypt(accessKeyId: string, secret: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(accessKeyId));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
  }

  /** The secret, or null when the ciphertext was not made with this key for this AccessKeyId. */
  decrypt(accessKeyId: string, stored: string): string | null {
    try {
      const bytes = Buffer.from(stored, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, 12));
      decipher.setAAD(Buffer.from(accessKeyId));
      decipher.setAuthTag(bytes.subarray(12, 28));
      return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}

/** A new pair: an AccessKeyId (`FC` + 22 upper-case letters and digits) and a 30-character secret. */
export function newAccessKeyPair(): { accessKeyId: string; secret: string } {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const pick = (length: number, chars: string): string => {
    let out = '';
    while (out.length < length) {
      for (const byte of randomBytes(length * 2)) {
        // Rejection sampling keeps every character equally likely.
        if (byte < Math.floor(256 / chars.length) * chars.length && out.length < length)
          out += chars[byte % chars.length];
      }
    }
    return out;
  };
  return {
    accessKeyId: `FC${pick(22, alphabet)}`,
    secret: pick(30, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'),
  };
}
