import type { Authentication } from '../common/oauth/authentication';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { isDuplicateKey } from '../database/dialects';
import { formatScope, isSubset, scopeTokens } from '../common/oauth/scope';
import { nowSeconds } from '../common/time';
import { UnitOfWork } from '../database/unit-of-work/unit-of-work';
import { AuthorizationCodeService, CodeRequest } from '../tokens/authorization-code.service';
import { TokenStore } from '../tokens/token-store';
import { ConsentEntity } from './consent.entity';
import { ConsentRepository } from './consent.repository';

@Injectable()
export class ConsentService {
  constructor(
    private readonly repository: ConsentRepository,
    private readonly tokens: TokenStore,
    private readonly codes: AuthorizationCodeService,
    private readonly work: UnitOfWork,
  ) {}

  /** True when the user already approved every requested scope for this client. */
  async covers(userId: string, clientId: string, scope: string): Promise<boolean> {
    const consent = await this.repository.findCommitted(userId, clientId);
    return consent !== null && isSubset(scopeTokens(scope), scopeTokens(consent.scope));
  }

  listForUser(userId: string): Promise<ConsentEntity[]> {
    return this.repository.listForUser(userId);
  }

  findForUser(userId: string, consentId: string): Promise<ConsentEntity | null> {
    return this.repository.findForUser(userId, consentId);
  }

  /** Withdraws a consent: the row goes, and every token the user gave that client stops working. */
  async revoke(consent: ConsentEntity): Promise<void> {
    // All in one commit, and nothing after a 503: never a consent gone with its tokens alive.
    const event = { type: 'consent.revoked', clientId: consent.clientId, subject: consent.userId, detail: { scope: consent.scope } };
    await this.work.audited(event, async () => {
      await this.repository.delete(consent.id);
      // Codes issued under the consent and not yet redeemed must not turn into tokens afterwards.
      await this.codes.voidUnredeemed({ userId: consent.userId, clientId: consent.clientId });
      await this.tokens.revokeAll({ userId: consent.userId, clientId: consent.clientId }, 'consent_revoked');
    });
  }

  /** Deletes every consent of a user or a client, in the caller's unit of work when there is one. */
  async deleteAll(owner: { userId: string } | { clientId: string }): Promise<void> {
    await this.repository.deleteAll(owner);
  }

  /**
   * The user approves the request at the consent page: the consent, its audit event and the
   * authorization code commit together, and not at all after a 503. Returns the code.
   */
  approve(
    request: CodeRequest & { readonly consentScope: string },
    userId: string,
    authTime: number,
    authentication: Authentication | null = null,
  ): Promise<string> {
    return this.work.run(async () => {
      await this.grant(userId, request.client.id, request.consentScope);
      return this.codes.issue(request, userId, authTime, authentication);
    });
  }

  /** Records approval of `scope`, adding to what the user approved before, with its audit event. */
  async grant(userId: string, clientId: string, scope: string): Promise<void> {
    const event = { type: 'consent.granted', actorUserId: userId, clientId, subject: userId, detail: { scope } };
    await this.work.audited(event, () => this.store(userId, clientId, scope));
  }

  private async store(userId: string, clientId: string, scope: string, retried = false): Promise<void> {
    const now = nowSeconds();
    const existing = await (retried ? this.repository.findCommitted(userId, clientId) : this.repository.find(userId, clientId));
    if (existing) {
      const merged = formatScope([...new Set([...scopeTokens(existing.scope), ...scopeTokens(scope)])]);
      await this.repository.updateScope(existing.id, merged, now);
      return;
    }
    try {
      await this.repository.insert({ id: randomUUID(), userId, clientId, scope, createdAt: now, updatedAt: now });
    } catch (error) {
      // Another request inserted the (user, client) row first: merge into it instead, once.
      if (!retried && isDuplicateKey(error)) return this.store(userId, clientId, scope, true);
      throw error;
    }
  }
}
