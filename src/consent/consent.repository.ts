import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { transactional } from '../database/unit-of-work/unit-of-work';
import { ConsentEntity } from './consent.entity';

/**
 * Every statement on the consents table (one row per user and client). Writes and the reads that
 * precede them join the current unit of work when there is one; ConsentService keeps the rules
 * (merging scopes, what a withdrawal voids).
 */
export abstract class ConsentRepository {
  /** The consent of a user for a client, as the current unit of work sees it. */
  abstract find(userId: string, clientId: string): Promise<ConsentEntity | null>;
  /**
   * The same, read outside the current unit of work: after a duplicate key its REPEATABLE READ
   * snapshot (MySQL) would not show the row another request committed meanwhile.
   */
  abstract findCommitted(userId: string, clientId: string): Promise<ConsentEntity | null>;
  abstract listForUser(userId: string): Promise<ConsentEntity[]>;
  abstract findForUser(userId: string, consentId: string): Promise<ConsentEntity | null>;
  /** Inserts a new consent; a duplicate key when a row for the same user and client exists already. */
  abstract insert(consent: ConsentEntity): Promise<void>;
  abstract updateScope(id: string, scope: string, updatedAt: number): Promise<void>;
  abstract delete(id: string): Promise<void>;
  abstract deleteAll(owner: { userId: string } | { clientId: string }): Promise<void>;
}

@Injectable()
export class TypeOrmConsentRepository implements ConsentRepository {
  constructor(@InjectRepository(ConsentEntity) private readonly repository: Repository<ConsentEntity>) {}

  find(userId: string, clientId: string): Promise<ConsentEntity | null> {
    return transactional(this.repository).findOneBy({ userId, clientId });
  }

  findCommitted(userId: string, clientId: string): Promise<ConsentEntity | null> {
    return this.repository.findOneBy({ userId, clientId });
  }

  listForUser(userId: string): Promise<ConsentEntity[]> {
    return this.repository.find({ where: { userId }, order: { createdAt: 'ASC' } });
  }

  findForUser(userId: string, consentId: string): Promise<ConsentEntity | null> {
    return this.repository.findOneBy({ id: consentId, userId });
  }

  async insert(consent: ConsentEntity): Promise<void> {
    // In a savepoint: on PostgreSQL a failed statement aborts the whole transaction, and the
    // caller's merge after a duplicate key must still run in it.
    await transactional(this.repository).manager.transaction((savepoint) => savepoint.insert(ConsentEntity, consent));
  }

  async updateScope(id: string, scope: string, updatedAt: number): Promise<void> {
    await transactional(this.repository).update({ id }, { scope, updatedAt });
  }

  async delete(id: string): Promise<void> {
    await transactional(this.repository).delete({ id });
  }

  async deleteAll(owner: { userId: string } | { clientId: string }): Promise<void> {
    await transactional(this.repository).delete(owner);
  }
}
