import { Delete, HttpCode, Param } from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiOperation } from '@nestjs/swagger';
import { OAuthError } from '../common/oauth/oauth-error';
import { TokenStore } from '../tokens/token-store';
import { AdminController } from './admin-controller.decorator';
import { ErrorResponse } from '../common/http/error-response.dto';

@AdminController('admin/tokens', 'admin: tokens')
export class TokensAdminController {
  constructor(private readonly tokens: TokenStore) {}

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke one token by its id (a refresh token takes its whole grant with it)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponse })
  async revoke(@Param('id') id: string): Promise<void> {
    if (!(await this.tokens.revokeById(id))) throw new OAuthError('not_found', 'token not found');
  }
}
