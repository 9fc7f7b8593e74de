import { Body, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController, AdminCreate, AdminDelete, AdminRead, AdminUpdate } from './admin-controller.decorator';
import { AdminUsersService } from './admin-users.service';
import { ErrorResponse } from '../common/http/error-response.dto';
import type { Paginated } from './dto/pagination.dto';
import { TokenSummaryResponse, toTokenSummaryResponse } from './dto/token.dto';
import { ConsentResponse, CreateUserDto, UpdateUserDto, UserListQuery, UserPage, UserResponse } from './dto/user.dto';

@AdminController('admin/users', 'admin: users')
export class UsersController {
  constructor(private readonly users: AdminUsersService) {}

  @AdminCreate('Create a user', UserResponse, { conflict: 'Username taken' })
  create(@Body() dto: CreateUserDto): Promise<UserResponse> {
    return this.users.create(dto);
  }

  @AdminRead(undefined, 'List users, paginated, optionally searched by username or email', UserPage)
  list(@Query() query: UserListQuery): Promise<Paginated<UserResponse>> {
    return this.users.list(query);
  }

  @AdminRead(':id', 'One user, by id (never the password hash)', UserResponse)
  get(@Param('id') id: string): Promise<UserResponse> {
    return this.users.get(id);
  }

  @AdminUpdate(':id', 'Change email, roles, enabled, or reset the password', UserResponse)
  update(@Param('id') id: string, @Body() dto: UpdateUserDto): Promise<UserResponse> {
    return this.users.update(id, dto);
  }

  @AdminDelete(':id', 'Delete a user, revoking their tokens and consents')
  delete(@Param('id') id: string): Promise<void> {
    return this.users.delete(id);
  }

  @AdminRead(':id/consents', 'The applications a user has approved, with their scopes', [ConsentResponse])
  listConsents(@Param('id') id: string): Promise<ConsentResponse[]> {
    return this.users.listConsents(id);
  }

  @AdminDelete(':id/consents/:consent_id', 'Revoke a consent; the tokens it allowed stop working')
  revokeConsent(@Param('id') id: string, @Param('consent_id') consentId: string): Promise<void> {
    return this.users.revokeConsent(id, consentId);
  }

  @Get(':id/tokens')
  @ApiOperation({
    summary: 'Active tokens of a user (never their values)',
    description:
      'Stored tokens only: opaque access tokens and refresh tokens. JWT access tokens are not stored and not listed: each issuance is in the audit trail (`token.issued`, subject = the JWT’s `jti`), and revoking every token here (or disabling) refuses them too.',
  })
  @ApiOkResponse({ type: [TokenSummaryResponse] })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async listTokens(@Param('id') id: string): Promise<TokenSummaryResponse[]> {
    return (await this.users.listTokens(id)).map(toTokenSummaryResponse);
  }

  @AdminDelete(':id/tokens', 'Revoke every token of a user')
  async revokeTokens(@Param('id') id: string): Promise<void> {
    await this.users.revokeTokens(id);
  }
}
