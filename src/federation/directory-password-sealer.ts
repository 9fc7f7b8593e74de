import { Injectable } from '@nestjs/common';
import { DerivedKeySealer } from '../keys/secret-sealer';
import { SigningKeysService } from '../keys/signing-keys.service';

/** A directory's service account password: needed in clear to bind, so kept sealed, bound to the directory's id. */
@Injectable()
export class DirectoryPasswordSealer extends DerivedKeySealer {
  constructor(keys: SigningKeysService) {
    super(keys, 'directory-passwords', 'ldap-directory');
  }
}
