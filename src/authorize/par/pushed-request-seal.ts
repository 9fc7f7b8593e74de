import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { timingSafeEqualString } from '../../common/crypto/tokens';
import { nowSeconds } from '../../common/time';
import { SigningKeysService } from '../../keys/signing-keys.service';
import { AUTHORIZE_PARAMS, AuthorizeParams } from '../authorize-request';

/** The hidden form field that carries a pushed or signed request's parameters through sign-in and consent. */
export const PUSHED_REQUEST_FIELD = 'request_seal';

/** Where the parameters came from, beyond the browser: what the seal vouches for. */
export interface SealedOrigin {
  readonly pushed: boolean;
  readonly signed: boolean;
  /** The pushed request's row (PushedAuthorizationRequests), spent when the request is answered; set exactly when `pushed`. */
  readonly pushedRequestId?: string;
}
/** How long a person may take between one form of a pushed or signed request and the next. */
export const INTERACTION_SECONDS = 1800;
const SEAL = /^(\d{1,12})\.([01])([01])(?:\.([0-9a-f]{64}))?\.([A-Za-z0-9_-]{43})$/;

/**
 * A pushed request is read at the authorization endpoint and spent when it is answered (RFC 9126
 * §4), a request object's jti on its first use (RFC 9101), but the sign-in and consent forms post the request back, as hidden fields, to the
 * authorization endpoint. The seal, an HMAC of the client, the origin (with the pushed request's row,
 * so its answer spends it), the parameters and a deadline
 * under a key derived from the server secret, proves on the way back that these parameters are the
 * pushed or signed ones, unaltered by the browser: a client required to push (RFC 9126 §5, §6) or
 * to sign (RFC 9101 §10.5) is not bypassed by posting a form made up by hand.
 */
@Injectable()
export class PushedRequestSeal {
  private key?: Buffer;

  constructor(private readonly keys: SigningKeysService) {}

  seal(clientId: string, origin: SealedOrigin, params: Readonly<AuthorizeParams>): string {
    const deadline = nowSeconds() + INTERACTION_SECONDS;
    const flags = `${Number(origin.pushed)}${Number(origin.signed)}`;
    const row = origin.pushed ? origin.pushedRequestId : undefined;
    return `${deadline}.${flags}${row !== undefined ? `.${row}` : ''}.${this.mac(clientId, deadline, flags, row, params)}`;
  }

  /** The origin `value` seals for exactly the authorization parameters of `raw` and `clientId`, before its deadline; else null. */
  verify(clientId: string, raw: Readonly<Record<string, unknown>>, value: unknown): SealedOrigin | null {
    const match = typeof value === 'string' ? SEAL.exec(value) : null;
    if (!match) return null;
    const deadline = Number(match[1]);
    if (deadline <= nowSeconds()) return null;
    const params: AuthorizeParams = {};
    for (const name of AUTHORIZE_PARAMS) {
      const param = raw[name];
      if (param === undefined) continue;
      if (typeof param !== 'string') return null;
      params[name] = param;
    }
    const flags = `${match[2]}${match[3]}`;
    const pushed = match[2] === '1';
    const row = match[4];
    // A pushed request is sealed with its row, and only a pushed one.
    if (pushed !== (row !== undefined)) return null;
    if (!timingSafeEqualString(this.mac(clientId, deadline, flags, row, params), match[5])) return null;
    return { pushed, signed: match[3] === '1', ...(row !== undefined ? { pushedRequestId: row } : {}) };
  }

  private mac(clientId: string, deadline: number, flags: string, row: string | undefined, params: Readonly<AuthorizeParams>): string {
    this.key ??= this.keys.derivedKey('request-seal');
    const canonical = JSON.stringify([clientId, deadline, flags, row ?? null, AUTHORIZE_PARAMS.map((name) => params[name] ?? null)]);
    return createHmac('sha256', this.key).update(canonical).digest('base64url');
  }
}
