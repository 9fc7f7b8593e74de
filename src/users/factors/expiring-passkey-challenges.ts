import { Injectable } from '@nestjs/common';
import { type ExpiringTable, ExpiringTableProvider } from '../../database/extensions/expiring-table';
import { PasskeyChallengeEntity } from './passkey-challenge.entity';

/** The janitor deletes passkey challenges nobody answered once they expire. */
@Injectable()
@ExpiringTableProvider()
export class ExpiringPasskeyChallenges implements ExpiringTable {
  readonly table = 'passkey_challenges';
  readonly entity = PasskeyChallengeEntity;
  readonly expiresAt = 'expiresAt';
}
