import { Body, Param, Query } from '@nestjs/common';
import { AdminAction, AdminController, AdminCreate, AdminDelete, AdminRead, AdminUpdate } from './admin-controller.decorator';
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
import { STORED_TOKENS_ONLY, TokenSummaryResponse, toTokenSummaryResponse } from './dto/token.dto';

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

  @AdminAction(':client_id/secret', 'Rotate the client secret; the old one stops working at once', ApplicationSecretResponse, {
    badRequest: 'Public clients have no secret',
  })
  rotateSecret(@Param('client_id') clientId: string): Promise<ApplicationSecretResponse> {
    return this.applications.rotateSecret(clientId);
  }

  @AdminRead(':client_id/tokens', 'Active tokens of an application (never their values)', [TokenSummaryResponse], { description: STORED_TOKENS_ONLY })
  async listTokens(@Param('client_id') clientId: string): Promise<TokenSummaryResponse[]> {
    return (await this.applications.listTokens(clientId)).map(toTokenSummaryResponse);
  }

  @AdminDelete(':client_id/tokens', 'Revoke every token of an application')
  async revokeTokens(@Param('client_id') clientId: string): Promise<void> {
    await this.applications.revokeTokens(clientId);
  }
}
