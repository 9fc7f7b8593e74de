import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { timingSafeEqualString } from '../../common/crypto/tokens';
import { nowSeconds } from '../../common/time';
import { SigningKeysService } from '../../keys/signing-keys.service';
import { AUTHORIZE_PARAMS, AuthorizeParams } from '../authorize-request';

/** The hidden form field that carries a pushed request's parameters through sign-in and consent. */
export const PUSHED_REQUEST_FIELD = 'pushed_request';
/** How long a person may take between the pushed request's first use and the last form of it. */
const INTERACTION_SECONDS = 1800;
const SEAL = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/**
 * A pushed request's request_uri is spent on its first use (RFC 9126 §4), but the sign-in and
 * consent forms post the request back, as hidden fields, to the authorization endpoint. The seal,
 * an HMAC of the client, the parameters and a deadline under a key derived from the server secret,
 * proves on the way back that these parameters are the pushed ones, unaltered by the browser: a
 * client required to push (RFC 9126 §5, §6) is not bypassed by posting a form made up by hand.
 */
@Injectable()
export class PushedRequestSeal {
  private key?: Buffer;

  constructor(private readonly keys: SigningKeysService) {}

  seal(clientId: string, params: Readonly<AuthorizeParams>): string {
    const deadline = nowSeconds() + INTERACTION_SECONDS;
    return `${deadline}.${this.mac(clientId, deadline, params)}`;
  }

  /** True when `value` seals exactly the authorization parameters of `raw` for `clientId`, before its deadline. */
  verify(clientId: string, raw: Readonly<Record<string, unknown>>, value: unknown): boolean {
    const match = typeof value === 'string' ? SEAL.exec(value) : null;
    if (!match) return false;
    const deadline = Number(match[1]);
    if (deadline <= nowSeconds()) return false;
    const params: AuthorizeParams = {};
    for (const name of AUTHORIZE_PARAMS) {
      const param = raw[name];
      if (param === undefined) continue;
      if (typeof param !== 'string') return false;
      params[name] = param;
    }
    return timingSafeEqualString(this.mac(clientId, deadline, params), match[2]);
  }

  private mac(clientId: string, deadline: number, params: Readonly<AuthorizeParams>): string {
    this.key ??= this.keys.derivedKey('pushed-request');
    const canonical = JSON.stringify([clientId, deadline, AUTHORIZE_PARAMS.map((name) => params[name] ?? null)]);
    return createHmac('sha256', this.key).update(canonical).digest('base64url');
  }
}
