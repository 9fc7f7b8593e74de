import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, Repository } from 'typeorm';
import { isDuplicateKey } from '../database/dialects';
import { formatScope, isSubset, scopeTokens } from '../common/oauth/scope';
import { nowSeconds } from '../common/time';
import { AuditService } from '../audit/audit.service';
import { TransactionRunner } from '../database/unit-of-work/transaction-runner';
import { AuthorizationCodeService } from '../tokens/authorization-code.service';
import { TokenStore } from '../tokens/token-store';
import { ConsentEntity } from './consent.entity';

@Injectable()
export class ConsentService {
  constructor(
    @InjectRepository(ConsentEntity) private readonly repository: Repository<ConsentEntity>,
    private readonly tokens: TokenStore,
    private readonly codes: AuthorizationCodeService,
    private readonly audit: AuditService,
    private readonly transactions: TransactionRunner,
  ) {}

  /** True when the user already approved every requested scope for this client. */
  async covers(userId: string, clientId: string, scope: string): Promise<boolean> {
    const consent = await this.repository.findOneBy({ userId, clientId });
    return consent !== null && isSubset(scopeTokens(scope), scopeTokens(consent.scope));
  }

  listForUser(userId: string): Promise<ConsentEntity[]> {
    return this.repository.find({ where: { userId }, order: { createdAt: 'ASC' } });
  }

  findForUser(userId: string, consentId: string): Promise<ConsentEntity | null> {
    return this.repository.findOneBy({ id: consentId, userId });
  }

  /** Withdraws a consent: the row goes, and every token the user gave that client stops working. */
  async revoke(consent: ConsentEntity): Promise<void> {
    // All in one commit, and nothing after a 503: never a consent gone with its tokens alive.
    await this.transactions.runForRequest(async (manager) => {
      await manager.delete(ConsentEntity, { id: consent.id });
      // Codes issued under the consent and not yet redeemed must not turn into tokens afterwards.
      await this.codes.voidUnredeemed(consent.userId, consent.clientId, manager);
      await this.tokens.revokeAll({ userId: consent.userId, clientId: consent.clientId }, 'consent_revoked', manager);
      await this.audit.recordIn(manager, { type: 'consent.revoked', clientId: consent.clientId, subject: consent.userId, detail: { scope: consent.scope } });
    });
  }

  async deleteAll(owner: { userId: string } | { clientId: string }, manager: EntityManager = this.repository.manager): Promise<void> {
    await manager.delete(ConsentEntity, owner);
  }

  /** Records approval of `scope`, adding to what the user approved before, in the caller's transaction. */
  async grant(manager: EntityManager, userId: string, clientId: string, scope: string): Promise<void> {
    await this.store(manager, userId, clientId, scope);
    await this.audit.recordIn(manager, { type: 'consent.granted', actorUserId: userId, clientId, subject: userId, detail: { scope } });
  }

  private async store(manager: EntityManager, userId: string, clientId: string, scope: string, retried = false): Promise<void> {
    const now = nowSeconds();
    // After a duplicate key, read outside the transaction: its REPEATABLE READ snapshot (MySQL) would
    // not show the row the other request committed meanwhile.
    const existing = retried ? await this.repository.findOneBy({ userId, clientId }) : await manager.findOneBy(ConsentEntity, { userId, clientId });
    if (existing) {
      const merged = formatScope([...new Set([...scopeTokens(existing.scope), ...scopeTokens(scope)])]);
      await manager.update(ConsentEntity, { id: existing.id }, { scope: merged, updatedAt: now });
      return;
    }
    try {
      // In a savepoint: on PostgreSQL a failed statement aborts the whole transaction, and the merge
      // below must still run in it.
      await manager.transaction((savepoint) => savepoint.insert(ConsentEntity, { id: randomUUID(), userId, clientId, scope, createdAt: now, updatedAt: now }));
    } catch (error) {
      // Another request inserted the (user, client) row first: merge into it instead, once.
      if (!retried && isDuplicateKey(error)) return this.store(manager, userId, clientId, scope, true);
      throw error;
    }
  }
}
