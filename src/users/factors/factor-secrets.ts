import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { DerivedKeySealer } from '../../keys/secret-sealer';
import { SigningKeysService } from '../../keys/signing-keys.service';

/**
 * TOTP secrets are needed in clear to compute codes, so they are kept sealed, each bound to its
 * record. Recovery codes are only ever compared, so only their HMAC under another derived key is
 * kept: a copy of the table alone cannot be searched for them.
 */
@Injectable()
export class FactorSecrets extends DerivedKeySealer {
  private hashKey?: Buffer;

  constructor(private readonly keys: SigningKeysService) {
    super(keys, 'user-factors', 'user-factor');
  }

  /** The keyed hash a recovery code is stored (and looked up) as. */
  recoveryCodeHash(code: string): string {
    this.hashKey ??= this.keys.derivedKey('recovery-codes');
    return createHmac('sha256', this.hashKey).update(code, 'utf8').digest('hex');
  }
}
