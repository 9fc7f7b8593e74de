import { sha256Hex, sha256HexMatches } from '../../common/crypto/tokens';
import { isArgon2 } from '../clients.service';
import { verifyPassword } from '../../common/crypto/password-hasher';

/** Compared with when there is no secret, so that the answer costs the same. */
const DECOY_DIGEST = sha256Hex('');

/**
 * Whether `presented` is the client secret stored as `secretHash`, compared as hashes in constant
 * time. A client without a secret (public) matches nothing.
 */
export async function clientSecretMatches(secretHash: string | null, presented: string): Promise<boolean> {
  if (secretHash === null) {
    sha256HexMatches(presented, DECOY_DIGEST);
    return false;
  }
  return isArgon2(secretHash) ? verifyPassword(secretHash, presented) : sha256HexMatches(presented, secretHash);
}
