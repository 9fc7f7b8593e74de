import { Injectable } from '@nestjs/common';
import { KeyEncryption } from '../keys/key-encryption';
import { SigningKeysService } from '../keys/signing-keys.service';

/**
 * A directory's service account password: needed in clear to bind, so kept encrypted at rest
 * (AES-256-GCM under a key derived from KEY_ENCRYPTION_SECRET, as private signing keys and
 * client_secret_jwt secrets are), bound to the directory's id.
 */
@Injectable()
export class DirectoryPasswordSealer {
  private encryption?: KeyEncryption;

  constructor(private readonly keys: SigningKeysService) {}

  seal(password: string, directoryId: string): string {
    return this.cipher().encrypt(password, `ldap-directory:${directoryId}`);
  }

  open(sealed: string, directoryId: string): string {
    return this.cipher().decrypt(sealed, `ldap-directory:${directoryId}`);
  }

  private cipher(): KeyEncryption {
    this.encryption ??= new KeyEncryption(this.keys.derivedKey('directory-passwords').toString('base64url'));
    return this.encryption;
  }
}
