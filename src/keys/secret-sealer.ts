import { KeyEncryption } from './key-encryption';

/**
 * A value the server needs back in clear, kept encrypted at rest (AES-256-GCM, KeyEncryption) and
 * bound to its record: the record's id, prefixed with `label:` when there is a label, is
 * authenticated with the ciphertext, so a value copied to another row does not open.
 */
export class SecretSealer {
  private encryption?: KeyEncryption;

  /** `keyMaterial` is read on first use: the server secret is known once the keys module has started. */
  constructor(
    private readonly keyMaterial: () => string,
    private readonly label?: string,
  ) {}

  seal(plaintext: string, id: string): string {
    return this.cipher().encrypt(plaintext, this.context(id));
  }

  /** The plaintext; throws when the value was not sealed for `id` under this server's secret. */
  open(sealed: string, id: string): string {
    return this.cipher().decrypt(sealed, this.context(id));
  }

  private context(id: string): string {
    return this.label === undefined ? id : `${this.label}:${id}`;
  }

  private cipher(): KeyEncryption {
    this.encryption ??= new KeyEncryption(this.keyMaterial());
    return this.encryption;
  }
}

/** What a DerivedKeySealer needs of SigningKeysService. */
export interface DerivedKeys {
  derivedKey(purpose: string): Buffer;
}

/**
 * A sealer under a key derived from KEY_ENCRYPTION_SECRET for one purpose, as private signing keys
 * are sealed under the secret itself: client_secret_jwt secrets, directory passwords, TOTP secrets.
 */
export abstract class DerivedKeySealer extends SecretSealer {
  protected constructor(keys: DerivedKeys, purpose: string, label: string) {
    super(() => keys.derivedKey(purpose).toString('base64url'), label);
  }
}
