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
import { AdminUsersService } from './admin-users.service';
import { ErrorResponse } from '../common/http/error-response.dto';
import type { Paginated } from './dto/pagination.dto';
import { TokenSummaryResponse, toTokenSummaryResponse } from './dto/token.dto';
import { ConsentResponse, CreateUserDto, UpdateUserDto, UserListQuery, UserPage, UserResponse } from './dto/user.dto';

@AdminController('admin/users', 'admin: users')
export class UsersController {
  constructor(private readonly users: AdminUsersService) {}

  @Post()
  @ApiOperation({ summary: 'Create a user' })
  @ApiCreatedResponse({ type: UserResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'Username taken' })
  create(@Body() dto: CreateUserDto): Promise<UserResponse> {
    return this.users.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List users, paginated, optionally searched by username or email' })
  @ApiOkResponse({ type: UserPage })
  list(@Query() query: UserListQuery): Promise<Paginated<UserResponse>> {
    return this.users.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One user, by id (never the password hash)' })
  @ApiOkResponse({ type: UserResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  get(@Param('id') id: string): Promise<UserResponse> {
    return this.users.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change email, roles, enabled, or reset the password' })
  @ApiOkResponse({ type: UserResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  update(@Param('id') id: string, @Body() dto: UpdateUserDto): Promise<UserResponse> {
    return this.users.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a user, revoking their tokens and consents' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponse })
  delete(@Param('id') id: string): Promise<void> {
    return this.users.delete(id);
  }

  @Get(':id/consents')
  @ApiOperation({ summary: 'The applications a user has approved, with their scopes' })
  @ApiOkResponse({ type: [ConsentResponse] })
  @ApiNotFoundResponse({ type: ErrorResponse })
  listConsents(@Param('id') id: string): Promise<ConsentResponse[]> {
    return this.users.listConsents(id);
  }

  @Delete(':id/consents/:consent_id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a consent; the tokens it allowed stop working' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponse })
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

  @Delete(':id/tokens')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke every token of a user' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponse })
  async revokeTokens(@Param('id') id: string): Promise<void> {
    await this.users.revokeTokens(id);
  }
}
