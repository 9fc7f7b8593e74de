import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Not, Repository } from 'typeorm';
import type { PendingAuthorization } from '../authorize/upstream-sign-in';
import { transactional } from '../database/unit-of-work/unit-of-work';
import { UpstreamLoginStateEntity } from './upstream-login-state.entity';

/** Every statement on upstream_login_states; the spend is one conditional UPDATE, so one request wins on any instance. */
@Injectable()
export class UpstreamLoginStatesRepository {
  constructor(@InjectRepository(UpstreamLoginStateEntity) private readonly states: Repository<UpstreamLoginStateEntity>) {}

  async insert(state: UpstreamLoginStateEntity): Promise<void> {
    await transactional(this.states).insert(state);
  }

  /** A sign-in leaving for its provider (OpenID Connect or SAML): unspent, no session yet, back to `pending` once answered. */
  insertPending(
    sent: Pick<UpstreamLoginStateEntity, 'id' | 'stateHash' | 'browserHash' | 'providerId' | 'sealedCodeVerifier' | 'nonce' | 'expiresAt'>,
    pending: PendingAuthorization,
  ): Promise<void> {
    return this.insert({
      ...sent,
      clientId: pending.clientId,
      resume: JSON.stringify(pending.fields),
      resumeSealed: pending.sealed,
      forceAuthentication: pending.forceAuthentication,
      maxAge: pending.maxAge ?? null,
      sessionHash: null,
      userId: null,
      authTime: null,
      amr: null,
      acr: null,
      spentAt: null,
    });
  }

  findByStateHash(stateHash: string): Promise<UpstreamLoginStateEntity | null> {
    return this.states.findOneBy({ stateHash });
  }

  /** True for the one caller that spent it. */
  async spend(id: string, now: number): Promise<boolean> {
    const spent = await this.states.update({ id, spentAt: IsNull() }, { spentAt: now });
    return spent.affected === 1;
  }

  /** Remembers the login session a spent sign-in started (and how), kept as long as that session. */
  async attachSession(id: string, session: Pick<UpstreamLoginStateEntity, 'sessionHash' | 'userId' | 'authTime' | 'amr' | 'acr' | 'expiresAt'>): Promise<void> {
    await transactional(this.states).update({ id }, session);
  }

  findBySession(sessionHash: string): Promise<UpstreamLoginStateEntity | null> {
    return this.states.findOneBy({ sessionHash, spentAt: Not(IsNull()) });
  }
}
