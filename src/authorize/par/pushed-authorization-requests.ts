import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { randomToken, sha256Hex } from '../../common/crypto/tokens';
import { OAuthError } from '../../common/oauth/oauth-error';
import { nowSeconds } from '../../common/time';
import type { ExpiringTable } from '../../database/extensions/expiring-table';
import { spendRows } from '../../database/unit-of-work/spend-rows';
import { TransactionRunner } from '../../database/unit-of-work/transaction-runner';
import { transactional } from '../../database/unit-of-work/unit-of-work';
import { PushedAuthorizationRequestEntity } from './pushed-authorization-request.entity';

/** RFC 9126 §2.2: the URN prefix of the request_uri values this server issues. */
export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';
/**
 * How long a pushed request may wait for the browser: RFC 9126 §2.2 suggests 5 to 600 seconds, the
 * FAPI 2.0 Security Profile (§5.3.2.2) caps it at 600 and its conformance suite expects ≤ 60.
 */
export const PUSHED_REQUEST_TTL_SECONDS = 60;

/** The janitor deletes pushed requests once they expire, spent or not. */
export const EXPIRING_PUSHED_REQUESTS: ExpiringTable = {
  table: 'pushed_authorization_requests',
  entity: PushedAuthorizationRequestEntity,
  expiresAt: 'expiresAt',
};

/** What a pushed request_uri stands for: the parameters, and whether they came from a signed request object. */
export interface PushedRequest {
  readonly parameters: Record<string, string>;
  readonly signed: boolean;
}

export interface PushedRequestReference {
  readonly requestUri: string;
  readonly expiresIn: number;
}

/**
 * Pushed authorization requests in the database, so any instance can redeem what another stored.
 * A request_uri is used at most once (RFC 9126 §4: SHOULD; the FAPI 2.0 profile: shall): spent by
 * the dialect's atomic spend, so two instances racing on the same value cannot both win.
 */
@Injectable()
export class PushedAuthorizationRequests {
  constructor(
    @InjectRepository(PushedAuthorizationRequestEntity) private readonly repository: Repository<PushedAuthorizationRequestEntity>,
    private readonly transactions: TransactionRunner,
  ) {}

  async push(clientId: string, parameters: Readonly<Record<string, string>>, signed: boolean): Promise<PushedRequestReference> {
    // 256 bits of randomness: only its SHA-256 is stored (RFC 9126 §7.1, the reference is a bearer value).
    const reference = randomToken();
    await transactional(this.repository).insert({
      id: sha256Hex(reference),
      clientId,
      parameters: JSON.stringify({ parameters, signed }),
      expiresAt: nowSeconds() + PUSHED_REQUEST_TTL_SECONDS,
      spentAt: null,
    });
    return { requestUri: `${REQUEST_URI_PREFIX}${reference}`, expiresIn: PUSHED_REQUEST_TTL_SECONDS };
  }

  /**
   * The parameters pushed under `requestUri` by `clientId`, spending it. Unknown, another client's,
   * expired or already used: `invalid_request_uri` (RFC 9126 §4, OpenID Connect Core §3.1.2.6).
   */
  async redeem(requestUri: string, clientId: string): Promise<PushedRequest> {
    if (!requestUri.startsWith(REQUEST_URI_PREFIX)) throw new OAuthError('invalid_request_uri', 'request_uri is not one this server issued');
    const id = sha256Hex(requestUri.slice(REQUEST_URI_PREFIX.length));
    const row = await this.repository.findOneBy({ id });
    // Another client's reference is not spent: it was not that client's to use.
    if (!row || row.clientId !== clientId) throw new OAuthError('invalid_request_uri', 'request_uri is unknown or was pushed by another client');
    const now = nowSeconds();
    if (row.expiresAt <= now) throw new OAuthError('invalid_request_uri', 'request_uri expired');
    const spent = await spendRows(this.transactions, PushedAuthorizationRequestEntity, 'spentAt', [id], now);
    if (spent.length !== 1) throw new OAuthError('invalid_request_uri', 'request_uri was already used');
    return JSON.parse(row.parameters) as PushedRequest;
  }
}
