import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { FastifyReply as Response } from 'fastify';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import type { AuthorizeTarget } from './authorize-request';
import { escapeHtml, PAGE_CSP } from './views/pages';

/** Submits the form as soon as the page loads; allowed by the CSP through its hash, nothing else runs. */
const AUTO_SUBMIT = 'document.forms[0].submit();';
const AUTO_SUBMIT_HASH = createHash('sha256').update(AUTO_SUBMIT).digest('base64');
const FORM_POST_CSP = `${PAGE_CSP}; script-src 'sha256-${AUTO_SUBMIT_HASH}'`;

/**
 * Sends the parameters of an authorization response (code or error) with `state` and `iss`
 * (RFC 9207): a 302 to the redirect URI, or with response_mode=form_post (OAuth 2.0 Form Post
 * Response Mode) an HTML page that POSTs them there, so they never appear in a URL. The one
 * writer of authorization responses, codes and errors alike, so `iss` is written in one place.
 */
@Injectable()
export class AuthorizationResponder {
  constructor(@InjectConfig('issuer') private readonly issuer: AppConfig['issuer']) {}

  send(res: Response, target: AuthorizeTarget, params: Record<string, string>): void {
    sendAuthorizationResponse(res, target, { ...params, ...(target.state !== undefined ? { state: target.state } : {}), iss: this.issuer });
  }
}

function sendAuthorizationResponse(res: Response, target: AuthorizeTarget, fields: Record<string, string>): void {
  if (target.responseMode === 'form_post') {
    const inputs = Object.entries(fields)
      .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
      .join('\n');
    res.header('Content-Security-Policy', FORM_POST_CSP);
    res.header('X-Frame-Options', 'DENY');
    res
      .status(200)
      .type('text/html; charset=utf-8')
      .send(
        `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>Returning to the application</title></head>\n<body>\n<main>\n<h1>Returning to the application…</h1>\n<form method="post" action="${escapeHtml(target.redirectUri)}">\n${inputs}\n<noscript><button type="submit">Continue</button></noscript>\n</form>\n</main>\n<script>${AUTO_SUBMIT}</script>\n</body></html>`,
      );
    return;
  }
  const url = new URL(target.redirectUri);
  for (const [name, value] of Object.entries(fields)) url.searchParams.set(name, value);
  res.redirect(url.toString(), 302);
}
