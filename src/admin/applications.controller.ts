import { Body, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { AdminController } from './admin-controller.decorator';
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

  @Post()
  @ApiOperation({ summary: 'Register an application; the client_secret is returned this once' })
  @ApiCreatedResponse({ type: CreatedApplicationResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  create(@Body() dto: CreateApplicationDto): Promise<CreatedApplicationResponse> {
    return this.applications.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List applications, paginated, optionally filtered by name' })
  @ApiOkResponse({ type: ApplicationPage })
  list(@Query() query: ApplicationListQuery): Promise<Paginated<ApplicationResponse>> {
    return this.applications.list(query);
  }

  @Get(':client_id')
  @ApiOperation({ summary: 'One application, by its client_id (never its secret)' })
  @ApiOkResponse({ type: ApplicationResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  get(@Param('client_id') clientId: string): Promise<ApplicationResponse> {
    return this.applications.get(clientId);
  }

  @Patch(':client_id')
  @ApiOperation({ summary: 'Change an application; disabling it revokes its tokens' })
  @ApiOkResponse({ type: ApplicationResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  update(@Param('client_id') clientId: string, @Body() dto: UpdateApplicationDto): Promise<ApplicationResponse> {
    return this.applications.update(clientId, dto);
  }

  @Delete(':client_id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an application, revoking its tokens and consents' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The built-in admin-cli application' })
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

  @Delete(':client_id/tokens')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke every token of an application' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponse })
  async revokeTokens(@Param('client_id') clientId: string): Promise<void> {
    await this.applications.revokeTokens(clientId);
  }
}
