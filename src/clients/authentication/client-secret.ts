import { sha256Hex, timingSafeEqualString } from '../../common/crypto/tokens';
import { isArgon2 } from '../clients.service';
import { verifyPassword } from '../../common/crypto/password-hasher';

/**
 * Whether `presented` is the client secret stored as `secretHash`, compared as hashes in constant
 * time. A client without a secret (public) matches nothing.
 */
export async function clientSecretMatches(secretHash: string | null, presented: string): Promise<boolean> {
  if (secretHash === null) {
    timingSafeEqualString(sha256Hex(presented), sha256Hex(''));
    return false;
  }
  return isArgon2(secretHash) ? verifyPassword(secretHash, presented) : timingSafeEqualString(sha256Hex(presented), secretHash);
}
