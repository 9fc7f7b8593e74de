import type { FastifyRequest } from 'fastify';
import { OAuthError } from '../oauth/oauth-error';
import { oauthParameters } from './request-body';

const withBody = (body: unknown) => ({ body }) as FastifyRequest;

describe('oauthParameters', () => {
  it('hands over a body whose every value is one string', () => {
    expect(oauthParameters(withBody({ grant_type: 'password', scope: '' }))).toEqual({ grant_type: 'password', scope: '' });
  });

  it('reads no body as no parameters', () => {
    expect(oauthParameters(withBody(undefined))).toEqual({});
  });

  it('refuses a repeated parameter (RFC 6749 §3.2)', () => {
    expect(() => oauthParameters(withBody({ scope: ['a', 'b'] }))).toThrow(new OAuthError('invalid_request', 'parameter scope is repeated'));
  });

  it.each([{ a: 'b' }, 1, true, null])('refuses a parameter value that is not a string: %p', (value) => {
    expect(() => oauthParameters(withBody({ grant_type: 'client_credentials', x: value }))).toThrow(
      new OAuthError('invalid_request', 'parameter x must be a string'),
    );
  });

  it.each(['<script>alert(1)</script>', 'Client-Secret', 'x'.repeat(65)])('does not repeat a name that is no parameter name back: %p', (name) => {
    const refused = (() => {
      try {
        oauthParameters(withBody({ [name]: ['a', 'b'] }));
      } catch (error) {
        return error as OAuthError;
      }
    })();
    expect(refused).toMatchObject({ code: 'invalid_request', description: 'a parameter is repeated' });
  });

  it.each([[['a']], ['text']])('refuses a body that is not an object: %p', (body) => {
    expect(() => oauthParameters(withBody(body))).toThrow(OAuthError);
  });
});
