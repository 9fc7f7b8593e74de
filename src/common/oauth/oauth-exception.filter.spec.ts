import { ArgumentsHost, BadRequestException, Logger, NotFoundException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { fakeReply } from '../http/testing/fake-reply';
import type { AuthorizeErrorRenderer } from './authorize-error-renderer';
import { defineOAuthErrorCode, OAuthError } from './oauth-error';
import { QueryFailedError } from 'typeorm';
import { classifyDatabaseError } from '../../database/dialects';
import { OAuthExceptionFilter } from './oauth-exception.filter';

type FakeRequest = Partial<FastifyRequest> & { atAuthorize?: boolean };

function fakeHttp(req: FakeRequest = {}) {
  const res = fakeReply();
  const host = {
    switchToHttp: () => ({ getRequest: () => ({ headers: {}, ...req }), getResponse: () => res }),
  } as unknown as ArgumentsHost;
  return { host, res };
}

describe('OAuthExceptionFilter', () => {
  /** Stands in for the authorize module's renderer: it answers only requests marked as authorize requests. */
  const rendered: OAuthError[] = [];
  const authorizeErrors: AuthorizeErrorRenderer = {
    render: (error, req) => {
      if (!(req as FakeRequest).atAuthorize) return false;
      rendered.push(error);
      return true;
    },
  };
  const filter = new OAuthExceptionFilter(authorizeErrors, () => undefined, classifyDatabaseError);
  beforeAll(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));

  it.each([
    ['invalid_request', 400],
    ['invalid_grant', 400],
    ['unauthorized_client', 400],
    ['unsupported_grant_type', 400],
    ['invalid_scope', 400],
    ['invalid_client', 401],
    ['temporarily_unavailable', 503],
  ] as const)('answers %s with HTTP %d, RFC 6749 §5.2 JSON (no-store: RESPONSE_HEADERS, on every answer)', (code, status) => {
    const { host, res } = fakeHttp();
    filter.catch(new OAuthError(code, 'why'), host);
    expect(res.statusCode).toBe(status);
    expect(res.body).toEqual({ error: code, error_description: 'why' });
  });

  it('adds a Basic challenge to invalid_client', () => {
    const { host, res } = fakeHttp();
    filter.catch(new OAuthError('invalid_client'), host);
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm="oauth2"/);
  });

  it('adds a Bearer challenge with the error to invalid_token when a token was sent', () => {
    const { host, res } = fakeHttp({ headers: { authorization: 'Bearer x' } });
    filter.catch(new OAuthError('invalid_token', 'expired'), host);
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="oauth2", error="invalid_token", error_description="expired"');
  });

  it("adds a challenge to an extension's own 401 code, in the scheme the client presented (RFC 9110 §15.5.2)", () => {
    const ticketExpired = defineOAuthErrorCode('ticket_expired_test', 401);
    const atResource = fakeHttp({ headers: { authorization: 'Bearer x' } });
    filter.catch(new OAuthError(ticketExpired, 'expired'), atResource.host);
    expect(atResource.res.statusCode).toBe(401);
    expect(atResource.res.headers['www-authenticate']).toBe('Bearer realm="oauth2", error="ticket_expired_test"');
    const atTokenEndpoint = fakeHttp({ headers: { authorization: 'Basic eDp5' } });
    filter.catch(new OAuthError(ticketExpired), atTokenEndpoint.host);
    expect(atTokenEndpoint.res.headers['www-authenticate']).toMatch(/^Basic realm="oauth2"/);
  });

  it('adds no challenge to an error that is not a 401', () => {
    const { host, res } = fakeHttp({ headers: { authorization: 'Bearer x' } });
    filter.catch(new OAuthError('invalid_grant'), host);
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  /** A driver error as TypeORM wraps it. */
  const failed = (driverError: object) => new QueryFailedError('UPDATE t SET c = $1', [], Object.assign(new Error('driver says no'), driverError));

  it.each([
    ['a MySQL deadlock victim', { code: 'ER_LOCK_DEADLOCK' }, 503, 'temporarily_unavailable'],
    ['a PostgreSQL serialization failure', { code: '40001' }, 503, 'temporarily_unavailable'],
    ['a PostgreSQL deadlock', { code: '40P01' }, 503, 'temporarily_unavailable'],
    ['a PostgreSQL shutting down', { code: '57P01' }, 503, 'temporarily_unavailable'],
    ['a busy SQLite file', { code: 'SQLITE_BUSY' }, 503, 'temporarily_unavailable'],
    ['a MySQL duplicate key', { code: 'ER_DUP_ENTRY' }, 409, 'conflict'],
    ['a PostgreSQL unique violation', { code: '23505' }, 409, 'conflict'],
    ['a NUL character PostgreSQL cannot store', { code: '22021' }, 400, 'invalid_request'],
  ])('answers %s as %d %s, never as a server_error', (_what, driverError, status, code) => {
    const { host, res } = fakeHttp();
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    filter.catch(failed(driverError), host);
    expect(res.statusCode).toBe(status);
    expect((res.body as { error: string }).error).toBe(code);
    expect(JSON.stringify(res.body)).not.toContain('driver says no');
  });

  it('hides unexpected errors behind a bare server_error', () => {
    const { host, res } = fakeHttp();
    filter.catch(new Error('ER_ACCESS_DENIED_ERROR: secret details'), host);
    expect(res.statusCode).toBe(500);
    expect(res.body).toEqual({ error: 'server_error' });
  });

  it('maps Nest validation errors to invalid_request and unknown routes to not_found', () => {
    const bad = fakeHttp();
    filter.catch(new BadRequestException(['token must be a string']), bad.host);
    expect(bad.res.body).toEqual({ error: 'invalid_request', error_description: 'token must be a string' });
    const missing = fakeHttp();
    filter.catch(new NotFoundException(), missing.host);
    expect(missing.res.statusCode).toBe(404);
  });

  it('answers an unknown route "no such endpoint", repeating its URL neither in the answer nor in the log', () => {
    const debug = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    const { host, res } = fakeHttp();
    // What the router throws for GET /oauth2/authorize/<token>?client_secret=<secret>.
    filter.catch(new NotFoundException('Cannot GET /oauth2/authorize/the-token?client_secret=the-secret'), host);
    expect(res.statusCode).toBe(404);
    expect(res.body).toEqual({ error: 'not_found', error_description: 'no such endpoint' });
    expect(JSON.stringify(debug.mock.calls)).not.toMatch(/the-token|the-secret/);
    debug.mockRestore();
  });

  it('maps body parsing errors (not HttpExceptions) to invalid_request, 413 for a body over the limit', () => {
    const { host, res } = fakeHttp();
    filter.catch(Object.assign(new SyntaxError('Unexpected token'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }), host);
    expect(res.statusCode).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'request body could not be parsed' });
    const large = fakeHttp();
    filter.catch(Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' }), large.host);
    expect(large.res.statusCode).toBe(413);
    expect(large.res.body).toEqual({ error: 'invalid_request', error_description: 'request body too large' });
  });

  it('strips characters RFC 6749 §5.2 forbids from error_description', () => {
    expect(new OAuthError('invalid_request', 'bad "quote" \\ and é').description).toBe('bad quote  and ');
  });

  it('leaves an error at the authorize endpoint to the injected renderer and answers nothing itself', () => {
    const { host, res } = fakeHttp({ atAuthorize: true });
    filter.catch(new OAuthError('invalid_scope', 'nope'), host);
    expect(rendered.map((e) => e.code)).toEqual(['invalid_scope']);
    expect(res.body).toBeUndefined();
    expect(res.statusCode).toBe(0);
  });
});
