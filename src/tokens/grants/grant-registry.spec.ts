import { Injectable, Module, Scope } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { IsNotEmpty, IsString } from 'class-validator';
import type { AuthenticatedClient } from '../../clients/clients.service';
import { MetricsService } from '../../metrics/metrics.service';
import type { TokenResponse } from '../token-response';
import { OAuthError } from '../../common/oauth/oauth-error';
import { GrantRegistry } from './grant-registry';
import type { GrantStrategy } from './grant-strategy';
import { GrantStrategyProvider } from './grant-strategy.decorator';
import { currentGrantType } from './issuing-grant';

class FooRequest {
  @IsString()
  @IsNotEmpty()
  foo: string;
}

const RESPONSE: TokenResponse = { access_token: 'a', token_type: 'Bearer', expires_in: 1, scope: '' };

@GrantStrategyProvider()
class FooGrant implements GrantStrategy<FooRequest> {
  readonly grantType: string = 'urn:test:foo';
  readonly requestType = FooRequest;
  received?: FooRequest;
  issuingAs?: string | null;
  async handle(params: FooRequest): Promise<TokenResponse> {
    this.received = params;
    await Promise.resolve();
    this.issuingAs = currentGrantType();
    return RESPONSE;
  }
}

@GrantStrategyProvider()
class OtherFooGrant extends FooGrant {}

@Injectable({ scope: Scope.REQUEST })
@GrantStrategyProvider()
class RequestScopedGrant extends FooGrant {
  override readonly grantType = 'urn:test:scoped';
}

@GrantStrategyProvider()
class NamelessGrant extends FooGrant {
  override readonly grantType = '';
}

async function registryWith(...providers: (typeof FooGrant)[]) {
  @Module({
    imports: [DiscoveryModule],
    providers: [GrantRegistry, { provide: MetricsService, useValue: new MetricsService(0, 'server') }, ...providers],
  })
  class TestModule {}
  const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
  await moduleRef.init();
  return { registry: moduleRef.get(GrantRegistry), moduleRef };
}

const client = (grantTypes: string[]) => ({ grantTypes, isPublic: false }) as unknown as AuthenticatedClient;

describe('GrantRegistry', () => {
  it('discovers strategies and lists their grant types', async () => {
    const { registry } = await registryWith(FooGrant);
    expect(registry.supportedGrantTypes()).toEqual(['urn:test:foo']);
  });

  it.each([
    ['two strategies for one grant type', [FooGrant, OtherFooGrant], 'Two grant strategies registered for grant_type urn:test:foo'],
    ['a request-scoped strategy', [RequestScopedGrant], 'must not be request-scoped'],
    ['a strategy without grant type', [NamelessGrant], 'has no grantType'],
  ])('refuses to boot with %s', async (_name, providers, message) => {
    await expect(registryWith(...providers)).rejects.toThrow(message);
  });

  it.each([
    ['a missing grant_type', {}, ['urn:test:foo'], 'invalid_request'],
    ['an unknown grant_type', { grant_type: 'urn:test:bar' }, ['urn:test:bar'], 'unsupported_grant_type'],
    ['a grant the client may not use', { grant_type: 'urn:test:foo', foo: 'x' }, ['password'], 'unauthorized_client'],
    ['a grant parameter failing validation', { grant_type: 'urn:test:foo' }, ['urn:test:foo'], 'invalid_request'],
  ])('maps %s to %s', async (_name, body, grantTypes, code) => {
    const { registry } = await registryWith(FooGrant);
    await expect(registry.dispatch(body, client(grantTypes))).rejects.toMatchObject({ code });
  });

  it("answers a grant's access_denied 400, as RFC 6749 §5.2 says of token errors (RFC 8628 §3.5), not 403", async () => {
    const { registry, moduleRef } = await registryWith(FooGrant);
    jest.spyOn(moduleRef.get(FooGrant), 'handle').mockRejectedValue(new OAuthError('access_denied', 'the user denied it'));
    const error = await registry.dispatch({ grant_type: 'urn:test:foo', foo: 'x' }, client(['urn:test:foo'])).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'access_denied', description: 'the user denied it', status: 400 });
    expect(new OAuthError('access_denied').status).toBe(403);
  });

  it('hands the strategy its validated parameters, without unknown ones', async () => {
    const { registry, moduleRef } = await registryWith(FooGrant);
    await expect(registry.dispatch({ grant_type: 'urn:test:foo', foo: 'x', extra: 'ignored' }, client(['urn:test:foo']))).resolves.toBe(RESPONSE);
    const received = moduleRef.get(FooGrant).received;
    expect(received).toBeInstanceOf(FooRequest);
    expect(received).toEqual({ foo: 'x' });
  });

  it('tells the token issuer which grant type it serves, across awaits, and nothing outside handle()', async () => {
    const { registry, moduleRef } = await registryWith(FooGrant);
    await registry.dispatch({ grant_type: 'urn:test:foo', foo: 'x' }, client(['urn:test:foo']));
    expect(moduleRef.get(FooGrant).issuingAs).toBe('urn:test:foo');
    expect(currentGrantType()).toBeNull();
  });

  it('lists each grant type with its request class, for the OpenAPI document', async () => {
    const { registry } = await registryWith(FooGrant);
    expect(registry.requestTypes()).toEqual(new Map([['urn:test:foo', FooRequest]]));
  });
});
