import { KeyEncryption } from './key-encryption';

describe('KeyEncryption (AES-256-GCM at rest)', () => {
  const secret = 'a-key-encryption-secret-of-32-chars!';

  it('round-trips and never stores the plaintext', () => {
    const sealed = new KeyEncryption(secret).encrypt('-----BEGIN PRIVATE KEY-----\nabc', 'kid-1');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('PRIVATE');
    expect(new KeyEncryption(secret).decrypt(sealed, 'kid-1')).toBe('-----BEGIN PRIVATE KEY-----\nabc');
  });

  it('uses a fresh IV each time', () => {
    const kek = new KeyEncryption(secret);
    expect(kek.encrypt('same', 'k')).not.toBe(kek.encrypt('same', 'k'));
  });

  it('refuses to decrypt with another secret or a tampered value', () => {
    const sealed = new KeyEncryption(secret).encrypt('private', 'kid-1');
    expect(() => new KeyEncryption(`${secret}x`).decrypt(sealed, 'kid-1')).toThrow();
    // Copied to another key's row, it does not decrypt either.
    expect(() => new KeyEncryption(secret).decrypt(sealed, 'kid-2')).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => new KeyEncryption(secret).decrypt(parts.join('.'), 'kid-1')).toThrow();
  });
});
