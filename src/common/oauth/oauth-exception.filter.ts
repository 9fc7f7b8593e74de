import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import type { DatabaseErrorKind } from '../database/database-error-kind';
import type { AuthorizeErrorRenderer } from './authorize-error-renderer';
import { type AuthenticationChallenge, OAuthError, OAuthErrorCode } from './oauth-error';

const HTTP_STATUS_CODE: Record<number, OAuthErrorCode> = {
  401: 'invalid_token',
  403: 'access_denied',
  503: 'temporarily_unavailable',
};

/**
 * The one renderer of protocol errors (RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3):
 * - at the authorize endpoint, what the injected AuthorizeErrorRenderer answers: a redirect to the
 *   validated redirect_uri, or an HTML page when the client or redirect URI is not trusted (§4.1.2.1);
 * - everywhere else JSON `{error, error_description}` (not cached: RESPONSE_HEADERS, on every answer).
 * Anything that is not an OAuthError or an HttpException is logged and answered as a bare
 * server_error, so no database or Node message reaches a client.
 */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('OAuthExceptionFilter');

  constructor(
    private readonly authorizeErrors: AuthorizeErrorRenderer,
    /** Told the code of every error answered (metrics); common/ imports no feature module. */
    private readonly onError: (code: OAuthErrorCode) => void,
    /** The database module's reading of a driver error (its dialects know the codes). */
    private readonly classifyDatabaseError: (exception: unknown) => DatabaseErrorKind | undefined,
    /** For a request no route matched, the methods routed at its path (common/http/allowed-methods). */
    private readonly allowedMethods: (req: Request) => readonly string[] = () => [],
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const error = this.methodNotAllowed(this.toOAuthError(exception), req);
    if (res.sent) return;
    this.onError(error.code);
    // A client's mistakes are news only when debugging; the description never echoes input or secrets.
    if (error.status < 500) this.logger.debug(`${error.status} ${error.code}${error.description ? `: ${error.description}` : ''}`);

    if (this.authorizeErrors.render(error, req, res)) return;

    if (error.retryAfter !== undefined) res.header('Retry-After', String(error.retryAfter));
    for (const [name, value] of Object.entries(error.headers ?? {})) res.header(name, value);
    if (error.challenge) {
      res.header('WWW-Authenticate', challenge(error, error.challenge));
    } else if (error.code === 'invalid_client') {
      // RFC 6749 §5.2: 401 with the scheme the client used (we only offer Basic).
      res.header('WWW-Authenticate', 'Basic realm="oauth2", charset="UTF-8"');
    } else if (error.code === 'invalid_token' && req.headers.authorization === undefined) {
      // RFC 6750 §3.1: a request without credentials gets the challenge without an error code.
      res.header('WWW-Authenticate', 'Bearer realm="oauth2"');
    } else if (error.code === 'invalid_token' || error.code === 'insufficient_scope') {
      // RFC 6750 §3: the challenge names the error.
      const description = error.description ? `, error_description="${error.description.replace(/"/g, '')}"` : '';
      res.header('WWW-Authenticate', `Bearer realm="oauth2", error="${error.code}"${description}`);
    } else if (error.status === 401) {
      // RFC 9110 §15.5.2: every 401 carries a challenge, an extension's own 401 code too, in the
      // scheme the client presented (Basic at a token endpoint, Bearer at a protected resource).
      const basic = /^basic /i.test(req.headers.authorization ?? '');
      res.header('WWW-Authenticate', basic ? 'Basic realm="oauth2", charset="UTF-8"' : `Bearer realm="oauth2", error="${error.code}"`);
    }
    // The request id lets a client's report be found in the server's log (RFC 6749 §5.2 allows extra members).
    res.status(error.status).send({ ...error.toJSON(), request_id: req.id });
  }

  /** RFC 9110 §15.5.6: a path routed for other methods only is 405 with `Allow`, not 404. */
  private methodNotAllowed(error: OAuthError, req: Request): OAuthError {
    if (error.code !== 'not_found') return error;
    const allowed = this.allowedMethods(req);
    if (allowed.length === 0) return error;
    return new OAuthError('method_not_allowed', `this endpoint accepts ${allowed.join(', ')}`, { headers: { Allow: allowed.join(', ') } });
  }

  private toOAuthError(exception: unknown): OAuthError {
    if (exception instanceof OAuthError) {
      if (exception.code === 'server_error') this.logger.error(exception.message, (exception.cause as Error)?.stack);
      return exception;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 413) return bodyTooLarge();
      if (status >= 500) {
        this.logger.error(`HTTP ${status}: ${exception.message}`);
        return new OAuthError(status === 503 ? 'temporarily_unavailable' : 'server_error');
      }
      // The router's 404 ("Cannot GET <url>") quotes the whole URL, query string included, where
      // clients put credentials by mistake: neither the answer nor the log line repeats it.
      if (status === 404) return new OAuthError('not_found', 'no such endpoint');
      const code = HTTP_STATUS_CODE[status] ?? 'invalid_request';
      return new OAuthError(code, describeHttpException(exception));
    }
    // Body parsing errors (malformed JSON, too large, too many fields) carry a 4xx `statusCode`.
    const parserError = exception as { statusCode?: number } | null;
    const parserStatus = parserError?.statusCode;
    if (typeof parserStatus === 'number' && parserStatus >= 400 && parserStatus < 500) {
      return parserStatus === 413 ? bodyTooLarge() : new OAuthError('invalid_request', 'request body could not be parsed');
    }
    const failure = this.classifyDatabaseError(exception);
    if (failure === 'unavailable' || failure === 'retry') {
      // Nothing happened (the transaction was rolled back or never ran): the client may try again.
      this.logger.warn(`database unavailable: ${(exception as Error).message}`);
      return new OAuthError('temporarily_unavailable', 'the service is temporarily unavailable', { retryAfter: 1 });
    }
    if (failure === 'duplicate_key') {
      this.logger.warn(`database conflict: ${(exception as Error).message}`);
      return new OAuthError('conflict', 'another request changed the same data; try again');
    }
    if (failure === 'invalid_input') return new OAuthError('invalid_request', 'the request contains characters that cannot be stored');
    this.logger.error('Unhandled error', (exception as Error)?.stack ?? String(exception));
    return new OAuthError('server_error');
  }
}

/** RFC 6750 §3 and RFC 9449 §7.1: `<scheme> realm=…, error="…", error_description="…", algs="…"`. */
function challenge(error: OAuthError, { scheme, algs }: AuthenticationChallenge): string {
  const description = error.description ? `, error_description="${error.description.replace(/"/g, '')}"` : '';
  return `${scheme} realm="oauth2", error="${error.code}"${description}${algs ? `, algs="${algs.join(' ')}"` : ''}`;
}

/** 413, still RFC 6749-shaped: the client sent more than any endpoint accepts (BODY_LIMIT_BYTES). */
function bodyTooLarge(): OAuthError {
  return new OAuthError('invalid_request', 'request body too large', { bodyStatus: 413 });
}

function describeHttpException(exception: HttpException): string | undefined {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : undefined;
}
