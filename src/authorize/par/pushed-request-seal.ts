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
}
/** How long a person may take between the pushed request's first use and the last form of it. */
const INTERACTION_SECONDS = 1800;
const SEAL = /^(\d{1,12})\.([01])([01])\.([A-Za-z0-9_-]{43})$/;

/**
 * A pushed request's request_uri is spent on its first use (RFC 9126 §4), a request object's jti
 * too (RFC 9101), but the sign-in and consent forms post the request back, as hidden fields, to the
 * authorization endpoint. The seal, an HMAC of the client, the origin, the parameters and a deadline
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
    return `${deadline}.${flags}.${this.mac(clientId, deadline, flags, params)}`;
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
    if (!timingSafeEqualString(this.mac(clientId, deadline, flags, params), match[4])) return null;
    return { pushed: match[2] === '1', signed: match[3] === '1' };
  }

  private mac(clientId: string, deadline: number, flags: string, params: Readonly<AuthorizeParams>): string {
    this.key ??= this.keys.derivedKey('request-seal');
    const canonical = JSON.stringify([clientId, deadline, flags, AUTHORIZE_PARAMS.map((name) => params[name] ?? null)]);
    return createHmac('sha256', this.key).update(canonical).digest('base64url');
  }
}
