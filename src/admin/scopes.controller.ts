import { Body, Param } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { RejectUnknownFields } from '../common/http/validation';
import { ScopeEntity } from '../scopes/scope.entity';
import { CLAIMS_BY_SCOPE } from '../oidc/standard-claims';
import { AdminController, AdminCreate, AdminDelete, AdminRead, AdminUpdate } from './admin-controller.decorator';
import { AdminScopesService } from './admin-scopes.service';
import { EpochSeconds, RequiredText } from './dto/fields';

/** RFC 6749 §3.3 scope-token. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

@RejectUnknownFields()
export class CreateScopeDto {
  @RequiredText(255, { example: 'orders:read' })
  @Matches(SCOPE_TOKEN, { message: 'name must be one scope token (RFC 6749 §3.3)' })
  name: string;

  @RequiredText(500, { example: 'See your orders', description: 'Shown on the consent page instead of the scope name' })
  description: string;
}

@RejectUnknownFields()
export class UpdateScopeDto {
  @RequiredText(500, { example: 'See your orders and their status' })
  description: string;
}

export class ScopeResponse {
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty({
    type: [String],
    description: 'OpenID Connect claims this scope grants at userinfo and in ID Tokens (empty for other scopes)',
    example: ['email', 'email_verified'],
  })
  claims: string[];
  @EpochSeconds() created_at: number;
  @EpochSeconds() updated_at: number;
}

function toResponse(scope: ScopeEntity): ScopeResponse {
  return {
    name: scope.name,
    description: scope.description,
    claims: [...(CLAIMS_BY_SCOPE[scope.name] ?? [])],
    created_at: scope.createdAt,
    updated_at: scope.updatedAt,
  };
}

@AdminController('admin/scopes', 'admin: scopes')
export class ScopesController {
  constructor(private readonly scopes: AdminScopesService) {}

  @AdminCreate('Describe a scope for the consent page', ScopeResponse, { conflict: 'Already described' })
  async create(@Body() dto: CreateScopeDto): Promise<ScopeResponse> {
    return toResponse(await this.scopes.create(dto.name, dto.description));
  }

  @AdminRead(undefined, 'The scope catalogue', [ScopeResponse])
  async list(): Promise<ScopeResponse[]> {
    return (await this.scopes.list()).map(toResponse);
  }

  @AdminUpdate(':name', 'Change a scope’s description', ScopeResponse)
  async update(@Param('name') name: string, @Body() dto: UpdateScopeDto): Promise<ScopeResponse> {
    return toResponse(await this.scopes.update(name, dto.description));
  }

  @AdminDelete(':name', 'Remove a scope from the catalogue (the consent page shows its name again)')
  delete(@Param('name') name: string): Promise<void> {
    return this.scopes.delete(name);
  }
}
