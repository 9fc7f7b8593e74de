import { Injectable } from '@nestjs/common';
import { DerivedKeySealer } from '../keys/secret-sealer';
import { SigningKeysService } from '../keys/signing-keys.service';

/**
 * Client secrets a client_secret_jwt client's assertions are checked with: the HMAC needs the secret
 * itself, so it is kept sealed, bound to its client id. Secrets known only as hashes (imported
 * hashes, clients of other methods) cannot serve this method.
 */
@Injectable()
export class ClientSecretSealer extends DerivedKeySealer {
  constructor(keys: SigningKeysService) {
    super(keys, 'client-secrets', 'client-secret');
  }
}
