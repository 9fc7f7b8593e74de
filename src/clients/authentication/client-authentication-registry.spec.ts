import { Injectable, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { sha256Hex } from '../../common/crypto/tokens';
import { aClient } from '../../tokens/grants/testing/in-memory';
import type { ClientsFinder } from './client-authentication-registry';
import { ClientsService, type StoredClient } from '../clients.service';
import type { ClientAuthenticationMethod, ClientAuthenticationRequest, PresentedClient } from './client-authentication-method';
import { ClientAuthenticationMethodProvider } from './client-authentication-method.decorator';
import { ClientAuthenticationRegistry } from './client-authentication-registry';
import { ClientSecretBasicMethod } from './client-secret-basic.method';
import { ClientSecretPostMethod } from './client-secret-post.method';
import { NoneMethod } from './none.method';
import { CLIENT_ID_PRESENTATION } from './client-id-presentation';
import type { X509Certificate } from 'node:crypto';

const SECRET = 's3cret';
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const req = (authorization: string | undefined, parameters: Record<string, string> = {}): ClientAuthenticationRequest => ({
  headers: authorization === undefined ? {} : { authorization },
  parameters,
  endpoint: 'https://as.example/oauth2/token',
  certificate: null,
});
const apiKey = (key: string, parameters: Record<string, string> = {}): ClientAuthenticationRequest => ({
  ...req(undefined, parameters),
  headers: { 'x-api-key': key },
});

/** The stored clients, as ClientsService.findStored answers (an unknown or disabled one is null). */
class InMemoryClients implements ClientsFinder {
  readonly stored = new Map<string, StoredClient>();
  add(id: string, tokenEndpointAuthMethod: string, secret: string | null): void {
    const client = aClient({ id, tokenEndpointAuthMethod, isPublic: tokenEndpointAuthMethod === 'none' });
    this.stored.set(id, { client, secretHash: secret === null ? null : sha256Hex(secret), secretEncrypted: null });
  }
  async findStored(clientId: string): Promise<StoredClient | null> {
    return this.stored.get(clientId) ?? null;
  }
}

/** A method of its own credential: X-Api-Key: <client id>.<secret>. */
@Injectable()
@ClientAuthenticationMethodProvider()
class ApiKeyMethod implements ClientAuthenticationMethod<PresentedClient & { key: string }> {
  readonly name = 'urn:test:api_key';
  readonly credential = 'urn:test:api_key';
  present({ headers }: ClientAuthenticationRequest) {
    const value = headers['x-api-key'];
    if (typeof value !== 'string') return null;
    const [clientId, key] = value.split('.');
    return { clientId, key };
  }
  async verify(presented: { key: string }) {
    return presented.key === 'k';
  }
}

@Injectable()
@ClientAuthenticationMethodProvider()
class SecondBasic extends ClientSecretBasicMethod {}

/** Two methods whose requests look alike (a client_id over a connection with a certificate). */
function certificateMethod(name: string, proves: boolean) {
  @Injectable()
  @ClientAuthenticationMethodProvider()
  class CertificateMethod implements ClientAuthenticationMethod {
    readonly name = name;
    readonly credential = name;
    readonly presentation = CLIENT_ID_PRESENTATION;
    present({ certificate, parameters }: ClientAuthenticationRequest) {
      return certificate && parameters.client_id ? { clientId: parameters.client_id } : null;
    }
    async verify() {
      return proves;
    }
  }
  return CertificateMethod;
}
const CertificateA = certificateMethod('urn:test:cert_a', true);
const CertificateB = certificateMethod('urn:test:cert_b', false);
const withCertificate = (clientId: string): ClientAuthenticationRequest => ({
  ...req(undefined, { client_id: clientId }),
  certificate: { certificate: {} as X509Certificate, chainVerified: true },
});

async function registryWith(...methods: (new (...args: never[]) => object)[]) {
  const clients = new InMemoryClients();
  clients.add('app', 'client_secret_basic', SECRET);
  clients.add('poster', 'client_secret_post', SECRET);
  clients.add('public', 'none', null);
  clients.add('keyed', 'urn:test:api_key', null);
  clients.add('retired', 'urn:test:retired', SECRET);
  clients.add('cert-a', 'urn:test:cert_a', null);
  clients.add('cert-b', 'urn:test:cert_b', null);
  @Module({ imports: [DiscoveryModule], providers: [ClientAuthenticationRegistry, { provide: ClientsService, useValue: clients }, ...methods] })
  class TestModule {}
  const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
  await moduleRef.init();
  const registry = moduleRef.get(ClientAuthenticationRegistry);
  return { registry, authenticate: (request: ClientAuthenticationRequest) => registry.authenticate(registry.present(request)) };
}

const builtIns = [ClientSecretBasicMethod, ClientSecretPostMethod, NoneMethod, ApiKeyMethod];

describe('ClientAuthenticationRegistry', () => {
  it('lists every registered method, for the metadata and the admin API', async () => {
    const { registry } = await registryWith(...builtIns);
    expect(registry.supportedMethods().sort()).toEqual(['client_secret_basic', 'client_secret_post', 'none', 'urn:test:api_key']);
  });

  it('refuses to boot with two methods of one name', async () => {
    await expect(registryWith(ClientSecretBasicMethod, SecondBasic)).rejects.toThrow('Two client authentication methods registered for client_secret_basic');
  });

  describe('reading the request (RFC 6749 §2.3.1)', () => {
    it.each([
      ['plain id and secret', basic('app', 's3cret'), 'app', 's3cret'],
      ['a colon inside the secret (split at the first colon)', basic('app', 'a:b:c'), 'app', 'a:b:c'],
      ['form-urlencoded halves (RFC 6749 Appendix B)', basic('my%3Aapp', 'p%2Bq+r'), 'my:app', 'p+q r'],
      ['a lowercase scheme name', `basic ${Buffer.from('app:x').toString('base64')}`, 'app', 'x'],
    ])('reads HTTP Basic: %s', async (_name, header, clientId, clientSecret) => {
      const { registry } = await registryWith(...builtIns);
      const { method, presented } = registry.present(req(header));
      expect(method.name).toBe('client_secret_basic');
      expect(presented).toEqual({ clientId, clientSecret });
    });

    it('accepts client_id in the body when it matches Basic (webMethods JSON body)', async () => {
      const { registry } = await registryWith(...builtIns);
      expect(registry.present(req(basic('app', 'x'), { client_id: 'app' })).method.name).toBe('client_secret_basic');
    });

    it('reads client_secret_post, a public client id, and a method of an extension', async () => {
      const { registry } = await registryWith(...builtIns);
      expect(registry.present(req(undefined, { client_id: 'a', client_secret: 'b' })).method.name).toBe('client_secret_post');
      expect(registry.present(req(undefined, { client_id: 'a' })).method.name).toBe('none');
      expect(registry.present(apiKey('keyed.k', { client_id: 'keyed' })).method.name).toBe('urn:test:api_key');
    });

    it.each([
      ['Basic plus client_secret in the body', basic('app', 'x'), { client_secret: 'x' }, 'invalid_request'],
      ['Basic and a different body client_id', basic('app', 'x'), { client_id: 'other' }, 'invalid_request'],
      ['Basic without a colon', `Basic ${Buffer.from('nocolon').toString('base64')}`, {}, 'invalid_client'],
      ['a Bearer header', 'Bearer abc', {}, 'invalid_client'],
      ['a Bearer header beside a correct client_secret_post', 'Bearer abc', { client_id: 'app', client_secret: 'x' }, 'invalid_client'],
      ['a bare Basic beside client_secret_post', 'Basic', { client_id: 'app', client_secret: 'x' }, 'invalid_client'],
      ['an empty Authorization header beside a public client id', '', { client_id: 'public' }, 'invalid_client'],
      ['malformed percent-encoding', basic('%zz', 'x'), {}, 'invalid_client'],
      ['no credentials at all', undefined, {}, 'invalid_client'],
      ['client_secret without client_id', undefined, { client_secret: 'x' }, 'invalid_client'],
    ])('rejects %s', async (_name, header, body, code) => {
      const { registry } = await registryWith(...builtIns);
      expect(() => registry.present(req(header, body))).toThrow(expect.objectContaining({ code }));
    });
  });

  describe('methods of one presentation (a client_id and a certificate)', () => {
    it('lets the method the application is registered for verify, not the first that read the request', async () => {
      const { authenticate } = await registryWith(...builtIns, CertificateB, CertificateA);
      await expect(authenticate(withCertificate('cert-a'))).resolves.toMatchObject({ id: 'cert-a' });
      await expect(authenticate(withCertificate('cert-b'))).rejects.toMatchObject({ code: 'invalid_client' });
    });

    it('keeps a public client public when its connection brings a certificate', async () => {
      const { authenticate } = await registryWith(...builtIns, CertificateA, CertificateB);
      await expect(authenticate(withCertificate('public'))).resolves.toMatchObject({ id: 'public', isPublic: true });
    });

    it('does not let a confidential client of another method pass with a certificate', async () => {
      const { authenticate } = await registryWith(...builtIns, CertificateA);
      await expect(authenticate(withCertificate('app'))).rejects.toMatchObject({ code: 'invalid_client' });
    });
  });

  describe('the application’s token_endpoint_auth_method decides', () => {
    it('authenticates a client with the method it is registered for', async () => {
      const { authenticate } = await registryWith(...builtIns);
      await expect(authenticate(req(basic('app', SECRET)))).resolves.toMatchObject({ id: 'app' });
      await expect(authenticate(req(undefined, { client_id: 'public' }))).resolves.toMatchObject({ id: 'public', isPublic: true });
      await expect(authenticate(apiKey('keyed.k'))).resolves.toMatchObject({ id: 'keyed' });
    });

    it('accepts the secret both ways for either secret method (RFC 6749 §2.3.1: Basic for every client with a password)', async () => {
      const { authenticate } = await registryWith(...builtIns);
      await expect(authenticate(req(undefined, { client_id: 'app', client_secret: SECRET }))).resolves.toMatchObject({ id: 'app' });
      await expect(authenticate(req(basic('poster', SECRET)))).resolves.toMatchObject({ id: 'poster' });
    });

    it.each([
      ['a wrong secret', req(basic('app', 'wrong'))],
      ['an unknown client', req(basic('nobody', SECRET))],
      ['a confidential client naming itself without its secret (none)', req(undefined, { client_id: 'app' })],
      ['a public client presenting a secret', req(basic('public', 'anything'))],
      ['a client of another credential presenting a secret', req(basic('keyed', SECRET))],
      ['a client registered for a method this deployment no longer offers', req(basic('retired', SECRET))],
      ['a secret client presenting an extension method', apiKey('app.k')],
    ])('answers invalid_client to %s', async (_name, request) => {
      const { authenticate } = await registryWith(...builtIns);
      await expect(authenticate(request)).rejects.toMatchObject({ code: 'invalid_client', description: 'client authentication failed' });
    });
  });
});
