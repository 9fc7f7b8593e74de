import { expiringTable } from '../../database/extensions/expiring-table';
import { PasskeyChallengeEntity } from './passkey-challenge.entity';

/** The janitor deletes passkey challenges nobody answered once they expire. */
export const ExpiringPasskeyChallenges = expiringTable({ table: 'passkey_challenges', entity: PasskeyChallengeEntity, expiresAt: 'expiresAt' });
