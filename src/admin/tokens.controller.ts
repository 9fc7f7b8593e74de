import { Delete, HttpCode, Param } from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController } from './admin-controller.decorator';
import { AdminTokensService } from './admin-tokens.service';
import { ErrorResponse } from '../common/http/error-response.dto';

@AdminController('admin/tokens', 'admin: tokens')
export class TokensAdminController {
  constructor(private readonly tokens: AdminTokensService) {}

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Revoke one token by its id (a refresh token takes its whole grant with it)',
    description:
      'A stored token: an opaque access token or a refresh token. A JWT access token has no row: revoke its holder’s grant (its refresh token), its user or its application, or have its client revoke it (RFC 7009).',
  })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponse })
  revoke(@Param('id') id: string): Promise<void> {
    return this.tokens.revoke(id);
  }
}
