import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { PkceChallenge, PkcePolicyService } from './pkce-policy.service';

/**
 * What this guard reads: the authorization request as the endpoint's own guard parsed it (it runs
 * first and leaves it on the request). Declared here, so pkce/ depends on no module that uses it.
 */
type RequestWithPkceChallenge = { readonly authorizeRequest?: PkceChallenge };

/**
 * Second gate of the authorization endpoint (after AuthorizeClientGuard): the effective PKCE policy
 * of the client decides whether the challenge may be missing and whether `plain` is allowed. It
 * only decides; parsing the challenge is the endpoint's business.
 */
@Injectable()
export class PkcePolicyGuard implements CanActivate {
  constructor(private readonly policies: PkcePolicyService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithPkceChallenge>().authorizeRequest;
    if (!request) throw new Error('PkcePolicyGuard must run after the guard that parses the authorization request');
    await this.policies.enforce(request);
    return true;
  }
}
