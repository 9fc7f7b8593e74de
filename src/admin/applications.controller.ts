import { Body, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController, AdminCreate, AdminDelete, AdminRead, AdminUpdate } from './admin-controller.decorator';
import { ApplicationsService } from './applications.service';
import {
  ApplicationPage,
  ApplicationResponse,
  ApplicationSecretResponse,
  CreateApplicationDto,
  CreatedApplicationResponse,
  UpdateApplicationDto,
} from './dto/application.dto';
import { ApplicationListQuery, Paginated } from './dto/pagination.dto';
import { ErrorResponse } from '../common/http/error-response.dto';
import { TokenSummaryResponse, toTokenSummaryResponse } from './dto/token.dto';

@AdminController('admin/applications', 'admin: applications')
export class ApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @AdminCreate('Register an application; the client_secret is returned this once', CreatedApplicationResponse)
  create(@Body() dto: CreateApplicationDto): Promise<CreatedApplicationResponse> {
    return this.applications.create(dto);
  }

  @AdminRead(undefined, 'List applications, paginated, optionally filtered by name', ApplicationPage)
  list(@Query() query: ApplicationListQuery): Promise<Paginated<ApplicationResponse>> {
    return this.applications.list(query);
  }

  @AdminRead(':client_id', 'One application, by its client_id (never its secret)', ApplicationResponse)
  get(@Param('client_id') clientId: string): Promise<ApplicationResponse> {
    return this.applications.get(clientId);
  }

  @AdminUpdate(':client_id', 'Change an application; disabling it revokes its tokens', ApplicationResponse)
  update(@Param('client_id') clientId: string, @Body() dto: UpdateApplicationDto): Promise<ApplicationResponse> {
    return this.applications.update(clientId, dto);
  }

  @AdminDelete(':client_id', 'Delete an application, revoking its tokens and consents', { conflict: 'The built-in admin-cli application' })
  delete(@Param('client_id') clientId: string): Promise<void> {
    return this.applications.delete(clientId);
  }

  @Post(':client_id/secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate the client secret; the old one stops working at once' })
  @ApiOkResponse({ type: ApplicationSecretResponse })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'Public clients have no secret' })
  @ApiNotFoundResponse({ type: ErrorResponse })
  rotateSecret(@Param('client_id') clientId: string): Promise<ApplicationSecretResponse> {
    return this.applications.rotateSecret(clientId);
  }

  @Get(':client_id/tokens')
  @ApiOperation({
    summary: 'Active tokens of an application (never their values)',
    description:
      'Stored tokens only: opaque access tokens and refresh tokens. JWT access tokens are not stored and not listed: each issuance is in the audit trail (`token.issued`, subject = the JWT’s `jti`), and revoking every token here (or disabling) refuses them too.',
  })
  @ApiOkResponse({ type: [TokenSummaryResponse] })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async listTokens(@Param('client_id') clientId: string): Promise<TokenSummaryResponse[]> {
    return (await this.applications.listTokens(clientId)).map(toTokenSummaryResponse);
  }

  @AdminDelete(':client_id/tokens', 'Revoke every token of an application')
  async revokeTokens(@Param('client_id') clientId: string): Promise<void> {
    await this.applications.revokeTokens(clientId);
  }
}
