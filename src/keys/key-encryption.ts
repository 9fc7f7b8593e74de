import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for values at rest (SecretSealer: private signing keys, and values sealed under keys
 * derived from the server secret). The key is derived with HKDF-SHA256 from the secret given (the
 * operator's KEY_ENCRYPTION_SECRET, or a key derived from it), so any string of enough entropy works.
 */
export class KeyEncryption {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'oauth-server/signing-keys', 'aes-256-gcm v1', 32));
  }

  /** `context` (the key id) is authenticated with the ciphertext: a value moved to another row does not decrypt. */
  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  /** Throws when the secret is not the one the value was encrypted with (GCM authentication). */
  decrypt(sealed: string, context: string): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== 'v1' || !ciphertext) throw new Error('not an encrypted key (v1)');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/**
 * A 256-bit key for another purpose (e.g. `csrf`), derived with HKDF-SHA256 from the server secret:
 * independent of the signing-key encryption key, and the same on every instance.
 */
export function deriveKey(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, `oauth-server/${purpose}`, 'hmac-sha256 v1', 32));
}
