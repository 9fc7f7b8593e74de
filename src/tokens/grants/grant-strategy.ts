import type { Type } from '@nestjs/common';
import type { AuthenticatedClient } from '../../clients/clients.service';
import type { TokenResponse } from '../token-response';

/**
 * One grant type. Implement it in one class, mark it with @GrantStrategyProvider(), list it as a
 * provider of any module that imports TokensModule: the registry finds it at start.
 */
export interface GrantStrategy<P extends object = object> {
  /** The `grant_type` value; the one place it is written. */
  readonly grantType: string;
  /** class-validator DTO of this grant's parameters; unknown parameters are dropped (RFC 6749 §3.2). */
  readonly requestType: Type<P>;
  handle(params: P, client: AuthenticatedClient): Promise<TokenResponse>;
}
