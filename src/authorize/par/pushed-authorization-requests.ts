import { Injectable } from '@nestjs/common';
import { randomToken, sha256Hex } from '../../common/crypto/tokens';
import { OAuthError } from '../../common/oauth/oauth-error';
import { nowSeconds } from '../../common/time';
import type { ExpiringTable } from '../../database/extensions/expiring-table';
import { UnitOfWork } from '../../database/unit-of-work/unit-of-work';
import { INTERACTION_SECONDS } from './pushed-request-seal';
import { PushedAuthorizationRequestEntity } from './pushed-authorization-request.entity';
import { PushedAuthorizationRequestRepository } from './pushed-authorization-request.repository';

/** RFC 9126 §2.2: the URN prefix of the request_uri values this server issues. */
export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';
/**
 * How long a pushed request may wait for the browser: RFC 9126 §2.2 suggests 5 to 600 seconds, the
 * FAPI 2.0 Security Profile (§5.3.2.2) caps it at 600 and its conformance suite expects ≤ 60.
 */
export const PUSHED_REQUEST_TTL_SECONDS = 60;
/**
 * How long after its request_uri expired a pushed request is kept: an authorization started with it
 * before then (the sign-in and consent forms carry it on under a seal) may still be answered, once.
 */
export const PUSHED_REQUEST_RETENTION_SECONDS = INTERACTION_SECONDS;

/** The janitor deletes pushed requests once they expire, spent or not. */
export const EXPIRING_PUSHED_REQUESTS: ExpiringTable = {
  table: 'pushed_authorization_requests',
  entity: PushedAuthorizationRequestEntity,
  expiresAt: 'expiresAt',
};

/** What a pushed request_uri stands for: the parameters, whether they came from a signed request object, and its row. */
export interface PushedRequest {
  readonly id: string;
  readonly parameters: Record<string, string>;
  readonly signed: boolean;
}

export interface PushedRequestReference {
  readonly requestUri: string;
  readonly expiresIn: number;
}

/**
 * Pushed authorization requests in the database, so any instance can read what another stored.
 * RFC 9126 §4: a request_uri SHOULD be used once, but MAY be presented again when the user reloads
 * the page; the FAPI 2.0 profile (§5.3.2.2) allows one authorization per request. So presenting it
 * only reads it, until it expires or is answered, and it is spent when its authorization response
 * is produced (a code, a denial, an error), with the dialect's atomic spend in the unit of work that
 * writes the code: two tabs or instances racing to answer it cannot both win.
 */
@Injectable()
export class PushedAuthorizationRequests {
  constructor(
    private readonly repository: PushedAuthorizationRequestRepository,
    private readonly work: UnitOfWork,
  ) {}

  async push(clientId: string, parameters: Readonly<Record<string, string>>, signed: boolean): Promise<PushedRequestReference> {
    // 256 bits of randomness: only its SHA-256 is stored (RFC 9126 §7.1, the reference is a bearer value).
    const reference = randomToken();
    await this.repository.insert({
      id: sha256Hex(reference),
      clientId,
      parameters: JSON.stringify({ parameters, signed }),
      expiresAt: nowSeconds() + PUSHED_REQUEST_TTL_SECONDS + PUSHED_REQUEST_RETENTION_SECONDS,
      spentAt: null,
    });
    return { requestUri: `${REQUEST_URI_PREFIX}${reference}`, expiresIn: PUSHED_REQUEST_TTL_SECONDS };
  }

  /**
   * The request pushed under `requestUri` by `clientId`, not spent. Unknown, another client's,
   * expired or already answered: `invalid_request_uri` (RFC 9126 §4, OpenID Connect Core §3.1.2.6).
   */
  async read(requestUri: string, clientId: string): Promise<PushedRequest> {
    if (!requestUri.startsWith(REQUEST_URI_PREFIX)) throw new OAuthError('invalid_request_uri', 'request_uri is not one this server issued');
    const id = sha256Hex(requestUri.slice(REQUEST_URI_PREFIX.length));
    const row = await this.repository.find(id);
    if (!row || row.clientId !== clientId) throw new OAuthError('invalid_request_uri', 'request_uri is unknown or was pushed by another client');
    if (row.expiresAt - PUSHED_REQUEST_RETENTION_SECONDS <= nowSeconds()) throw new OAuthError('invalid_request_uri', 'request_uri expired');
    if (row.spentAt !== null) throw new OAuthError('invalid_request_uri', 'request_uri was already used');
    const { parameters, signed } = JSON.parse(row.parameters) as Omit<PushedRequest, 'id'>;
    return { id, parameters, signed };
  }

  /**
   * Runs `respond`, which produces the authorization response, in one unit of work with spending
   * the pushed request `id` (none: a request that was not pushed, `respond` alone). Answered before,
   * or gone since its retention ended: `invalid_request_uri`, and `respond` does not run.
   */
  answer<T>(id: string | undefined, respond: () => Promise<T>): Promise<T> {
    if (id === undefined) return respond();
    return this.work.run(async () => {
      if (!(await this.repository.spend(id, nowSeconds()))) throw new OAuthError('invalid_request_uri', 'the authorization request was already answered');
      return respond();
    });
  }
}
