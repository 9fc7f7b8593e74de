import { Body, Controller } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedClient } from '../clients/clients.service';
import { CurrentClient } from '../clients/guards/current-client.decorator';
import { TokenRequestDto } from './dto/token-request.dto';
import { type IntrospectionResponse, IntrospectionService } from './introspection.service';
import { TokenRequestEndpoint } from './token-request-endpoint.decorator';

@ApiTags('oauth2')
@Controller()
export class IntrospectionController {
  constructor(private readonly introspection: IntrospectionService) {}

  @TokenRequestEndpoint(['oauth2/introspect', 'introspect'], 'Token introspection (RFC 7662)')
  @ApiOkResponse({
    schema: {
      example: {
        active: true,
        scope: 'read write',
        client_id: 's6BhdRkqt3',
        token_type: 'Bearer',
        exp: 1764003600,
        iat: 1764000000,
        sub: 'b6f1…',
        username: 'alice',
      },
    },
  })
  introspect(@Body() body: TokenRequestDto, @CurrentClient() client: AuthenticatedClient): Promise<IntrospectionResponse> {
    return this.introspection.introspect(client, body.token, body.token_type_hint);
  }
}
