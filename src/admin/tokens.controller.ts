import { Controller, Delete, HttpCode, Param, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { OAuthError } from '../common/oauth/oauth-error';
import { TokenService } from '../tokens/token.service';
import { AdminGuard } from './admin.guard';
import { ErrorResponse } from '../common/http/error-response.dto';

@ApiTags('admin: tokens')
@ApiBearerAuth('bearer')
@ApiUnauthorizedResponse({ type: ErrorResponse })
@ApiForbiddenResponse({ type: ErrorResponse })
@Controller('admin/tokens')
@UseGuards(AdminGuard)
export class TokensAdminController {
  constructor(private readonly tokens: TokenService) {}

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke one token by its id (a refresh token takes its whole grant with it)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponse })
  async revoke(@Param('id') id: string): Promise<void> {
    if (!(await this.tokens.revokeById(id))) throw new OAuthError('not_found', 'token not found');
  }
}
