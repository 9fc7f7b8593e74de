import { Controller, Get, Header, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PublicJwk, SigningKeysService } from './signing-keys.service';

/** The JWK Set of jwks_uri (RFC 7517 §5; OpenID Connect Discovery `jwks_uri`). */
@ApiTags('discovery')
@Controller()
export class JwksController {
  constructor(private readonly keys: SigningKeysService) {}

  @Get(['oauth2/jwks', '.well-known/jwks.json'])
  // Public keys: shared caches may keep them for five minutes. A rotation publishes the new key
  // before it signs (activate_after), and a retired key stays published while its tokens live.
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'Public keys that verify ID Tokens (JWK Set)' })
  @ApiOkResponse({
    schema: { example: { keys: [{ kty: 'RSA', kid: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs', alg: 'RS256', use: 'sig', n: '…', e: 'AQAB' }] } },
  })
  jwks(@Res({ passthrough: true }) reply: FastifyReply): Promise<{ keys: PublicJwk[] }> {
    // Not the API's Pragma: no-cache, which some caches read as "do not store" (RESPONSE_HEADERS).
    reply.removeHeader('pragma');
    return this.keys.jwks();
  }
}
