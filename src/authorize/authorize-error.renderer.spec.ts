import type { FastifyReply } from 'fastify';
import { fakeReply } from '../common/http/testing/fake-reply';
import { OAuthError } from '../common/oauth/oauth-error';
import { AuthorizationResponder } from './authorization-response';
import { AuthorizeErrorPages } from './authorize-error.renderer';
import type { AuthorizeHttpRequest } from './authorize-request';
import { Pages } from './views/pages';

describe('AuthorizeErrorPages', () => {
  const renderer = new AuthorizeErrorPages(new Pages('Example ID'), new AuthorizationResponder('https://as.example'));
  const render = (error: OAuthError, req: Partial<AuthorizeHttpRequest>) => {
    const res = fakeReply();
    const answered = renderer.render(error, req as AuthorizeHttpRequest, res as unknown as FastifyReply);
    return { answered, res };
  };

  it('leaves requests outside the authorization endpoint to the JSON answer', () => {
    const { answered, res } = render(new OAuthError('invalid_request'), {});
    expect(answered).toBe(false);
    expect(res.statusCode).toBe(0);
  });

  it('redirects to the validated redirect URI with error, state and iss (RFC 9207)', () => {
    const { answered, res } = render(new OAuthError('invalid_scope', 'nope'), {
      isAuthorizeRoute: true,
      authorizeTarget: { redirectUri: 'https://app.example/cb?x=1', state: 'a b' },
    });
    expect(answered).toBe(true);
    expect(res.statusCode).toBe(302);
    const url = new URL(res.redirectedTo!);
    expect(url.searchParams.get('x')).toBe('1');
    expect(url.searchParams.get('error')).toBe('invalid_scope');
    expect(url.searchParams.get('error_description')).toBe('nope');
    expect(url.searchParams.get('state')).toBe('a b');
    expect(url.searchParams.get('iss')).toBe('https://as.example');
  });

  it('renders an HTML page, never a redirect, before the client and redirect URI are validated', () => {
    const { res } = render(new OAuthError('invalid_request', 'unknown client'), { isAuthorizeRoute: true, id: 'req-1' });
    expect(res.statusCode).toBe(400);
    expect(res.redirectedTo).toBeUndefined();
    expect(String(res.body)).toContain('<!DOCTYPE html>');
    expect(String(res.body)).toContain('req-1');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('renders a server error as a page even when the redirect URI is known', () => {
    const { res } = render(new OAuthError('server_error'), { isAuthorizeRoute: true, authorizeTarget: { redirectUri: 'https://app.example/cb' } });
    expect(res.statusCode).toBe(500);
    expect(res.redirectedTo).toBeUndefined();
  });
});
