import { Body, Param, Query } from '@nestjs/common';
import { AdminController, AdminCreate, AdminDelete, AdminRead, AdminUpdate } from './admin-controller.decorator';
import { AdminUsersService } from './admin-users.service';
import type { Paginated } from './dto/pagination.dto';
import { STORED_TOKENS_ONLY, TokenSummaryResponse, toTokenSummaryResponse } from './dto/token.dto';
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

  @AdminRead(':id/tokens', 'Active tokens of a user (never their values)', [TokenSummaryResponse], { description: STORED_TOKENS_ONLY })
  async listTokens(@Param('id') id: string): Promise<TokenSummaryResponse[]> {
    return (await this.users.listTokens(id)).map(toTokenSummaryResponse);
  }

  @AdminDelete(':id/tokens', 'Revoke every token of a user')
  async revokeTokens(@Param('id') id: string): Promise<void> {
    await this.users.revokeTokens(id);
  }
}
