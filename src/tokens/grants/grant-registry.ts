import { Injectable, OnModuleInit, type Type } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import type { AuthenticatedClient } from '../../clients/clients.service';
import type { OAuthParameters } from '../../common/http/request-body';
import { OAuthError } from '../../common/oauth/oauth-error';
import { MetricsService } from '../../metrics/metrics.service';
import type { TokenResponse } from '../token-response';
import type { Confirmation } from '../binding/confirmation';
import { GrantStrategyProvider } from './grant-strategy.decorator';
import { runAsGrant } from './issuing-grant';
import type { GrantStrategy } from './grant-strategy';

function firstConstraint(errors: ValidationError[]): string {
  for (const error of errors) {
    const message = Object.values(error.constraints ?? {})[0];
    if (message) return message;
    const nested = firstConstraint(error.children ?? []);
    if (nested) return nested;
  }
  return 'invalid request parameters';
}

/**
 * Finds every @GrantStrategyProvider at start and dispatches token requests to them. A bad
 * registration (duplicate or empty grant type, request-scoped provider) stops the boot.
 */
@Injectable()
export class GrantRegistry implements OnModuleInit {
  private strategies: ReadonlyMap<string, GrantStrategy> = new Map();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    const strategies = new Map<string, GrantStrategy>();
    for (const wrapper of this.discovery.getProviders({ metadataKey: GrantStrategyProvider.KEY })) {
      if (!wrapper.isDependencyTreeStatic()) {
        throw new Error(`Grant strategy ${wrapper.name} must not be request-scoped`);
      }
      const strategy = wrapper.instance as GrantStrategy | undefined;
      if (!strategy || typeof strategy.grantType !== 'string' || strategy.grantType === '') {
        throw new Error(`Grant strategy ${String(wrapper.name)} has no grantType`);
      }
      if (typeof strategy.handle !== 'function' || typeof strategy.requestType !== 'function') {
        throw new Error(`Grant strategy ${strategy.grantType} must define requestType and handle()`);
      }
      if (strategies.has(strategy.grantType)) {
        throw new Error(`Two grant strategies registered for grant_type ${strategy.grantType}`);
      }
      strategies.set(strategy.grantType, strategy);
    }
    this.strategies = strategies;
  }

  supportedGrantTypes(): string[] {
    return [...this.strategies.keys()];
  }

  /** Each grant type's request DTO, for the OpenAPI token request body. */
  requestTypes(): ReadonlyMap<string, Type<object>> {
    return new Map([...this.strategies].map(([grantType, strategy]) => [grantType, strategy.requestType]));
  }

  /**
   * The token endpoint pipeline after client authentication (RFC 6749 §3.2, §5.2). `confirmation`:
   * what the request proved possession of (TokenBindingRegistry.confirm), bound into its tokens.
   */
  async dispatch(body: OAuthParameters, client: AuthenticatedClient, confirmation: Confirmation | null = null): Promise<TokenResponse> {
    // 1. Each parameter is one string (RFC 6749 §3.2): oauthParameters() made sure of it.
    // 2. Which grant.
    const grantType = body.grant_type;
    if (typeof grantType !== 'string' || grantType === '') {
      throw new OAuthError('invalid_request', 'grant_type is required');
    }
    const strategy = this.strategies.get(grantType);
    if (!strategy) throw new OAuthError('unsupported_grant_type', 'grant_type is not supported');
    // 3. May this client use it (checked here so that no strategy can forget it).
    if (!client.grantTypes.includes(grantType)) {
      throw new OAuthError('unauthorized_client', 'client is not allowed to use this grant type');
    }
    // 4. The grant's own parameters; unknown ones are ignored, never an error.
    const params = plainToInstance(strategy.requestType, body);
    const errors = await validate(params, { whitelist: true, forbidUnknownValues: false });
    if (errors.length > 0) throw new OAuthError('invalid_request', firstConstraint(errors));
    // 5. The grant, inside a scope that tells the issuer which grant type it serves (audit trail).
    const response = await runAsGrant(strategy.grantType, () => strategy.handle(params, client), confirmation).catch((error: unknown) => {
      throw error instanceof OAuthError ? error.toTokenEndpointError() : error;
    });
    // Labelled with the registered grant type: a closed set, whatever the request said.
    this.metrics.tokenIssued(strategy.grantType);
    return response;
  }
}
