import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { KeyEncryption } from '../../keys/key-encryption';
import { SigningKeysService } from '../../keys/signing-keys.service';

/**
 * TOTP secrets are needed in clear to compute codes, so they are kept sealed (AES-256-GCM under a
 * key derived from KEY_ENCRYPTION_SECRET, as private signing keys and client_secret_jwt secrets
 * are), each bound to its record. Recovery codes are only ever compared, so only their HMAC under
 * another derived key is kept: a copy of the table alone cannot be searched for them.
 */
@Injectable()
export class FactorSecrets {
  private encryption?: KeyEncryption;
  private hashKey?: Buffer;

  constructor(private readonly keys: SigningKeysService) {}

  seal(secret: string, context: string): string {
    return this.cipher().encrypt(secret, `user-factor:${context}`);
  }

  /** The secret; throws when it was not sealed for `context` under this server's secret. */
  open(sealed: string, context: string): string {
    return this.cipher().decrypt(sealed, `user-factor:${context}`);
  }

  /** The keyed hash a recovery code is stored (and looked up) as. */
  recoveryCodeHash(code: string): string {
    this.hashKey ??= this.keys.derivedKey('recovery-codes');
    return createHmac('sha256', this.hashKey).update(code, 'utf8').digest('hex');
  }

  private cipher(): KeyEncryption {
    // Derived on first use: the server secret is read when the keys module starts.
    this.encryption ??= new KeyEncryption(this.keys.derivedKey('user-factors').toString('base64url'));
    return this.encryption;
  }
}
