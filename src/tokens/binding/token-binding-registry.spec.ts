import { Injectable } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { FastifyRequest as Request } from 'fastify';
import { configToken } from '../../config/config.module';
import { OAuthError } from '../../common/oauth/oauth-error';
import { aClient } from '../grants/testing/in-memory';
import { ClientCertificates } from '../../clients/authentication/client-certificate';
import { CertificateBinding, certificateThumbprint } from './certificate.binding';
import { confirmation } from './confirmation';
import type { BindingRequest, TokenBinding } from './token-binding';
import { TokenBindingProvider } from './token-binding.decorator';
import { TokenBindingRegistry } from './token-binding-registry';

/** A binding that proves a key by an `X-Key` header, bound tokens presented with the scheme `Key`. */
@Injectable()
@TokenBindingProvider()
class HeaderKeyBinding implements TokenBinding {
  readonly confirmationMethod = 'jkt';
  readonly challenge = { scheme: 'DPoP' as const, algs: ['ES256'] };
  async confirm({ headers }: BindingRequest) {
    return typeof headers['x-key'] === 'string' ? headers['x-key'] : null;
  }
  async verify({ headers }: BindingRequest, value: string) {
    if (headers['x-key'] !== value) throw new OAuthError('invalid_dpop_proof', 'wrong key', { challenge: this.challenge });
  }
}

@Injectable()
@TokenBindingProvider()
class AnotherJktBinding extends HeaderKeyBinding {}

const CERTIFICATE = Buffer.from('a certificate');

async function registry(...bindings: (new (...args: never[]) => TokenBinding)[]) {
  const certificates = { certificate: (req: Request) => (req.headers['x-cert'] ? { raw: CERTIFICATE } : null) };
  const module = await Test.createTestingModule({
    imports: [DiscoveryModule],
    providers: [
      TokenBindingRegistry,
      ...bindings,
      { provide: configToken('issuer'), useValue: 'https://as.example' },
      { provide: configToken('mtlsEndpointBaseUrl'), useFactory: () => undefined },
      { provide: ClientCertificates, useValue: certificates },
    ],
  }).compile();
  await module.init();
  return module.get(TokenBindingRegistry);
}

const req = (headers: Record<string, string>, url = '/oauth2/token?x=1') => ({ method: 'POST', url, headers }) as unknown as Request;

describe('TokenBindingRegistry', () => {
  it('stops the boot when two bindings claim one confirmation method', async () => {
    await expect(registry(HeaderKeyBinding, AnotherJktBinding)).rejects.toThrow('Two token bindings registered for jkt');
  });

  it('gives bindings the URL as the client addressed it: the issuer and the path, without the query', async () => {
    const subject = await registry(HeaderKeyBinding);
    expect(subject.request(req({})).url).toBe('https://as.example/oauth2/token');
  });

  it('binds a token request to what exactly one binding confirms; none is a bearer token; two are invalid_request', async () => {
    const subject = await registry(HeaderKeyBinding, CertificateBinding);
    const certBound = aClient({ tlsClientCertificateBoundAccessTokens: true });
    await expect(subject.confirm(req({}), aClient())).resolves.toBeNull();
    await expect(subject.confirm(req({ 'x-key': 'k1' }), aClient())).resolves.toEqual({ jkt: 'k1' });
    await expect(subject.confirm(req({ 'x-cert': '1' }), certBound)).resolves.toEqual({ 'x5t#S256': certificateThumbprint(CERTIFICATE) });
    await expect(subject.confirm(req({ 'x-key': 'k1', 'x-cert': '1' }), certBound)).rejects.toMatchObject({ code: 'invalid_request' });
    // RFC 8705 §3: only a client registered for certificate-bound tokens gets them; one without a certificate is refused.
    await expect(subject.confirm(req({ 'x-cert': '1' }), aClient())).resolves.toBeNull();
    await expect(subject.confirm(req({}), certBound)).rejects.toMatchObject({ code: 'invalid_request' });
    expect(subject.tokenType({ jkt: 'k1' })).toBe('DPoP');
    expect(subject.tokenType({ 'x5t#S256': 'x' })).toBe('Bearer');
    expect(subject.tokenType(null)).toBe('Bearer');
  });

  it('at a resource: a bound token needs its scheme and proof; an unbound one only the Bearer scheme', async () => {
    const subject = await registry(HeaderKeyBinding, CertificateBinding);
    const jkt = confirmation('jkt', 'k1');
    await expect(subject.verify(req({ 'x-key': 'k1' }), 'dpop', 'token', jkt)).resolves.toBeUndefined();
    await expect(subject.verify(req({ 'x-key': 'k1' }), 'bearer', 'token', jkt)).rejects.toMatchObject({
      code: 'invalid_token',
      status: 401,
      challenge: { scheme: 'DPoP' },
    });
    await expect(subject.verify(req({ 'x-key': 'k2' }), 'dpop', 'token', jkt)).rejects.toMatchObject({ code: 'invalid_dpop_proof', status: 401 });
    await expect(subject.verify(req({}), 'bearer', 'token', null)).resolves.toBeUndefined();
    await expect(subject.verify(req({}), 'dpop', 'token', null)).rejects.toMatchObject({ code: 'invalid_token', challenge: { scheme: 'DPoP' } });
    const x5t = confirmation('x5t#S256', certificateThumbprint(CERTIFICATE));
    await expect(subject.verify(req({ 'x-cert': '1' }), 'bearer', 'token', x5t)).resolves.toBeUndefined();
    await expect(subject.verify(req({}), 'bearer', 'token', x5t)).rejects.toMatchObject({ code: 'invalid_token', status: 401 });
    await expect(subject.verify(req({}), 'bearer', 'token', confirmation('urn:gone', 'v'))).rejects.toMatchObject({ code: 'invalid_token' });
  });
});
