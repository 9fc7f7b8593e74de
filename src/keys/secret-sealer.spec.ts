import { ClientSecretSealer } from '../clients/client-secret-sealer';
import { DirectoryPasswordSealer } from '../federation/directory-password-sealer';
import { FactorSecrets } from '../users/factors/factor-secrets';
import { deriveKey } from './key-encryption';
import { type DerivedKeys, SecretSealer } from './secret-sealer';
import type { SigningKeysService } from './signing-keys.service';

const secret = 'a-key-encryption-secret-of-32-chars!';

/** SigningKeysService's derivation, without the database and the files it reads the secret from. */
class FakeKeys implements DerivedKeys {
  derivedKey(purpose: string): Buffer {
    return deriveKey(secret, purpose);
  }
}

// The sealers take SigningKeysService for injection; they call only derivedKey.
const keys = new FakeKeys() as SigningKeysService;

/**
 * Values sealed under `secret` by the code before the sealers were shared (each caller had its own
 * class around KeyEncryption): rows in existing databases hold values like these, and must still open.
 */
const sealedBefore = [
  {
    what: 'a client_secret_jwt secret',
    sealer: new ClientSecretSealer(keys),
    id: 'client-1',
    sealed: 'v1.zLtJK-ghvctKypFy.wPs4TYv8AF7BPK3lLHxJ4Q.cZCnOdHgfI_Z-7XlHQD6ut5QsQ',
    plaintext: 'client-secret-value',
  },
  {
    what: "a directory's bind password",
    sealer: new DirectoryPasswordSealer(keys),
    id: 'dir-1',
    sealed: 'v1.XmF837gxmUlAozJr.k-VqBPGXBGYYRN3yx_HaIg.Tf_cGbMoQi8FKrYtsg',
    plaintext: 'bind-password',
  },
  {
    what: 'a TOTP secret',
    sealer: new FactorSecrets(keys),
    id: 'factor-1',
    sealed: 'v1.SONuu-y1ed1QHj8Z.Phh-hOv2enhmTUaeizQKOg.awSdkeuFNByWODijBcxCFg',
    plaintext: 'JBSWY3DPEHPK3PXP',
  },
  {
    what: 'a private signing key',
    sealer: new SecretSealer(() => secret),
    id: 'kid-1',
    sealed: 'v1.BzVURcuEtfcXZJxR.e1haCyvMfWVOxWtQGk0Y-w.6TKBmQtBF-UpoEXDAzffrvkgvQZTCYWi4OvQwb93pQ',
    plaintext: '-----BEGIN PRIVATE KEY-----\nabc',
  },
];

describe('SecretSealer (values kept encrypted at rest)', () => {
  it.each(sealedBefore)('opens $what sealed before the sealers were shared', ({ sealer, id, sealed, plaintext }) => {
    expect(sealer.open(sealed, id)).toBe(plaintext);
  });

  it.each(sealedBefore)('seals $what so that only its own record opens it', ({ sealer, id, plaintext }) => {
    const sealed = sealer.seal(plaintext, id);
    expect(sealed).not.toContain(plaintext);
    expect(sealer.open(sealed, id)).toBe(plaintext);
    expect(() => sealer.open(sealed, `${id}x`)).toThrow();
  });

  it('keeps each purpose apart: a value sealed for one does not open as another', () => {
    const [client, directory] = sealedBefore;
    expect(() => directory.sealer.open(client.sealed, client.id)).toThrow();
  });

  it('hashes a recovery code as before, under a key of its own', () => {
    expect(new FactorSecrets(keys).recoveryCodeHash('abcd-efgh')).toBe('ee79d22e5bd1ef4f727603fa241ed50de6f2ddea777c116d2ec29ac92b1aefd8');
  });
});
