import { Injectable } from '@nestjs/common';
import { KeyEncryption } from '../keys/key-encryption';
import { SigningKeysService } from '../keys/signing-keys.service';

/**
 * Client secrets a client_secret_jwt client's assertions are checked with: the HMAC needs the secret
 * itself, so it is kept encrypted at rest (AES-256-GCM under a key derived from KEY_ENCRYPTION_SECRET,
 * as private signing keys are), bound to its client id. Secrets known only as hashes (imported
 * hashes, clients of other methods) cannot serve this method.
 */
@Injectable()
export class ClientSecretSealer {
  private encryption?: KeyEncryption;

  constructor(private readonly keys: SigningKeysService) {}

  seal(secret: string, clientId: string): string {
    return this.cipher().encrypt(secret, `client-secret:${clientId}`);
  }

  /** The secret; throws when the value was not sealed for this client under this server's secret. */
  open(sealed: string, clientId: string): string {
    return this.cipher().decrypt(sealed, `client-secret:${clientId}`);
  }

  private cipher(): KeyEncryption {
    // Derived on first use: the server secret is read when the keys module starts.
    this.encryption ??= new KeyEncryption(this.keys.derivedKey('client-secrets').toString('base64url'));
    return this.encryption;
  }
}
