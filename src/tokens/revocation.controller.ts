import { Body, Controller } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedClient } from '../clients/clients.service';
import { CurrentClient } from '../clients/guards/current-client.decorator';
import { TokenRequestDto } from './dto/token-request.dto';
import { RevocationService } from './revocation.service';
import { TokenRequestEndpoint } from './token-request-endpoint.decorator';

@ApiTags('oauth2')
@Controller()
export class RevocationController {
  constructor(private readonly revocation: RevocationService) {}

  @TokenRequestEndpoint(['oauth2/revoke', 'revoke'], 'Token revocation (RFC 7009)')
  @ApiOkResponse({ description: 'Revoked, or the token was unknown (RFC 7009 §2.2)' })
  revoke(@Body() body: TokenRequestDto, @CurrentClient() client: AuthenticatedClient): Promise<void> {
    return this.revocation.revoke(client, body.token, body.token_type_hint);
  }
}
