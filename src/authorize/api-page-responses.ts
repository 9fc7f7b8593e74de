import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiSeeOtherResponse } from '@nestjs/swagger';

/** OpenAPI: a 200 that is a server-rendered HTML page, with the start of one as its example. */
export const ApiPageResponse = (description: string, example: string): MethodDecorator => ApiOkResponse({ description, content: { 'text/html': { example } } });

/** OpenAPI: a 400 that is the HTML error page (an error never redirected to the client). */
export const ApiErrorPageResponse = (description: string): MethodDecorator => ApiBadRequestResponse({ description, content: { 'text/html': {} } });

/**
 * OpenAPI: how the return from an upstream identity provider (OpenID Connect callback, SAML ACS)
 * answers: back to the authorization request it interrupted, or the error page for `errors`.
 */
export const ApiUpstreamReturnResponses = (errors: string): MethodDecorator =>
  applyDecorators(
    ApiSeeOtherResponse({ description: 'Signed in: back to the authorization request' }),
    ApiPageResponse(
      'Signed in, for a pushed or signed request: a page whose Continue form posts its sealed parameters back',
      '<form method="post" action="/oauth2/authorize">…</form>',
    ),
    ApiErrorPageResponse(`HTML error page: ${errors}`),
  );
