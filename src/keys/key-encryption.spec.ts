import { KeyEncryption } from './key-encryption';

describe('KeyEncryption (AES-256-GCM at rest)', () => {
  const secret = 'a-key-encryption-secret-of-32-chars!';

  it('round-trips and never stores the plaintext', () => {
    const sealed = new KeyEncryption(secret).encrypt('-----BEGIN PRIVATE KEY-----\nabc');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('PRIVATE');
    expect(new KeyEncryption(secret).decrypt(sealed)).toBe('-----BEGIN PRIVATE KEY-----\nabc');
  });

  it('uses a fresh IV each time', () => {
    const kek = new KeyEncryption(secret);
    expect(kek.encrypt('same')).not.toBe(kek.encrypt('same'));
  });

  it('refuses to decrypt with another secret or a tampered value', () => {
    const sealed = new KeyEncryption(secret).encrypt('private');
    expect(() => new KeyEncryption(`${secret}x`).decrypt(sealed)).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => new KeyEncryption(secret).decrypt(parts.join('.'))).toThrow();
  });
});
