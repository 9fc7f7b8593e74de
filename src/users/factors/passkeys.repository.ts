import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { transactional } from '../../database/unit-of-work/unit-of-work';
import { PasskeyCeremony, PasskeyChallengeEntity } from './passkey-challenge.entity';
import { PasskeyCredentialEntity } from './passkey-credential.entity';

/** Every statement on passkey_credentials and passkey_challenges; PasskeysService keeps the rules. */
export abstract class PasskeysRepository {
  abstract findByCredentialHash(credentialHash: string): Promise<PasskeyCredentialEntity | null>;
  abstract listForUser(userId: string): Promise<PasskeyCredentialEntity[]>;
  abstract findByIds(ids: readonly string[]): Promise<PasskeyCredentialEntity[]>;
  abstract insert(row: PasskeyCredentialEntity): Promise<void>;
  /** After a sign-in: the counter and backup state the authenticator reported. */
  abstract recordUse(id: string, signCount: number, backupState: boolean): Promise<void>;
  abstract insertChallenge(row: PasskeyChallengeEntity): Promise<void>;
  /**
   * Deletes an unexpired challenge issued for `ceremony` to `userId` (null: to nobody yet); true
   * for the one caller that deleted it, so a challenge is used at most once, on any instance.
   */
  abstract consumeChallenge(id: string, ceremony: PasskeyCeremony, userId: string | null, now: number): Promise<boolean>;
}

@Injectable()
export class TypeOrmPasskeysRepository implements PasskeysRepository {
  constructor(
    @InjectRepository(PasskeyCredentialEntity) private readonly credentials: Repository<PasskeyCredentialEntity>,
    @InjectRepository(PasskeyChallengeEntity) private readonly challenges: Repository<PasskeyChallengeEntity>,
  ) {}

  findByCredentialHash(credentialHash: string): Promise<PasskeyCredentialEntity | null> {
    return transactional(this.credentials).findOne({ where: { credentialHash } });
  }

  listForUser(userId: string): Promise<PasskeyCredentialEntity[]> {
    return transactional(this.credentials).find({ where: { userId } });
  }

  async findByIds(ids: readonly string[]): Promise<PasskeyCredentialEntity[]> {
    return ids.length === 0 ? [] : transactional(this.credentials).find({ where: { id: In([...ids]) } });
  }

  async insert(row: PasskeyCredentialEntity): Promise<void> {
    await transactional(this.credentials).insert(row);
  }

  async recordUse(id: string, signCount: number, backupState: boolean): Promise<void> {
    await transactional(this.credentials).update({ id }, { signCount, backupState });
  }

  async insertChallenge(row: PasskeyChallengeEntity): Promise<void> {
    await transactional(this.challenges).insert(row);
  }

  async consumeChallenge(id: string, ceremony: PasskeyCeremony, userId: string | null, now: number): Promise<boolean> {
    // Single use, race-free: only the statement that deleted the row used it.
    const query = transactional(this.challenges)
      .createQueryBuilder()
      .delete()
      .where('id = :id AND ceremony = :ceremony AND expires_at > :now', { id, ceremony, now });
    if (userId === null) query.andWhere('user_id IS NULL');
    else query.andWhere('user_id = :userId', { userId });
    const result = await query.execute();
    return result.affected === 1;
  }
}
