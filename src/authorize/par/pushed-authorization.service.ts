import { Injectable } from '@nestjs/common';
import type { AuthenticatedClient } from '../../clients/clients.service';
import type { OAuthParameters } from '../../common/http/request-body';
import { OAuthError } from '../../common/oauth/oauth-error';
import { PkcePolicyService } from '../../pkce/pkce-policy.service';
import { AuthorizeRequestValidator } from '../authorize-request.validator';
import { RequestObjectVerifier } from '../request-object.verifier';
import { PushedAuthorizationRequests, PushedRequestReference } from './pushed-authorization-requests';

/**
 * RFC 9126 §2: an authenticated client pushes its authorization request; it is checked as the
 * authorization endpoint would check it (§2.1), and kept for one use of the returned request_uri.
 */
@Injectable()
export class PushedAuthorizationService {
  constructor(
    private readonly validator: AuthorizeRequestValidator,
    private readonly pkce: PkcePolicyService,
    private readonly requests: PushedAuthorizationRequests,
    private readonly requestObjects: RequestObjectVerifier,
  ) {}

  /** `dpopJkt`: the key of a DPoP proof sent with the push (RFC 9449 §10.1), or null. */
  async push(params: OAuthParameters, client: AuthenticatedClient, dpopJkt: string | null = null): Promise<PushedRequestReference> {
    // §2.1: a pushed request cannot refer to another one.
    if (params.request_uri !== undefined) throw new OAuthError('invalid_request', 'request_uri must not be pushed');
    // The client authentication read client_id (and Basic checked any it was sent with); §2 needs
    // it in the request too, so that a public client's parameters name it.
    if (params.client_id !== undefined && params.client_id !== client.id)
      throw new OAuthError('invalid_request', 'client_id does not match the authenticated client');
    // RFC 9126 §3: a request object pushed is the request; the other parameters only authenticate the client.
    const signed = params.request !== undefined;
    const raw = withProofKey(signed ? await this.requestObjects.parameters(params.request, client) : { ...params, client_id: client.id }, dpopJkt);
    await this.validator.assertOrigin(client, { pushed: true, signed });
    const request = await this.validator.complete(raw, client, this.validator.target(raw, client), { pushed: true, signed });
    await this.pkce.enforce(request);
    return this.requests.push(client.id, request.params, signed);
  }
}

/**
 * RFC 9449 §10.1: the key of a proof sent with the push binds the request as `dpop_jkt` does; both
 * sent, they must name the same key.
 */
function withProofKey<T extends Record<string, unknown>>(raw: T, dpopJkt: string | null): T {
  if (dpopJkt === null) return raw;
  if (raw.dpop_jkt !== undefined && raw.dpop_jkt !== dpopJkt) throw new OAuthError('invalid_dpop_proof', 'dpop_jkt is not the key of the DPoP proof');
  return { ...raw, dpop_jkt: dpopJkt };
}
