import { Body, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { AuditService } from '../audit/audit.service';
import { TransactionRunner } from '../database/unit-of-work/transaction-runner';
import { ErrorResponse } from '../common/http/error-response.dto';
import { OAuthError } from '../common/oauth/oauth-error';
import { formatScope, scopeTokens } from '../common/oauth/scope';
import { ResourceServerEntity } from '../resources/resource-server.entity';
import { ResourceServersService } from '../resources/resource-servers.service';
import { AdminController } from './admin-controller.decorator';
import { CreateResourceServerDto, ResourceServerResponse, toResourceServerResponse, UpdateResourceServerDto } from './dto/resource.dto';

@AdminController('admin/resources', 'admin: resource servers')
export class ResourcesController {
  constructor(
    private readonly resources: ResourceServersService,
    private readonly audit: AuditService,
    private readonly transactions: TransactionRunner,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register a resource server (RFC 8707): identifier, scopes, token format and lifetime' })
  @ApiCreatedResponse({ type: ResourceServerResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'Identifier taken' })
  async create(@Body() dto: CreateResourceServerDto): Promise<ResourceServerResponse> {
    if (await this.resources.find(dto.identifier)) throw new OAuthError('conflict', 'identifier is already registered');
    // The change and its audit event commit together, and not at all after a 503.
    const created = await this.transactions.runForRequest(
      async (manager) => {
        const entity = await this.resources.create(
          {
            identifier: dto.identifier,
            name: dto.name,
            scope: formatScope([...new Set(scopeTokens(dto.scope ?? ''))]),
            accessTokenFormat: dto.access_token_format ?? 'jwt',
            accessTokenSigningAlg: dto.access_token_signing_alg ?? 'RS256',
            accessTokenTtl: dto.access_token_ttl ?? null,
          },
          manager,
        );
        await this.audit.recordIn(manager, { type: 'admin.resource.created', subject: entity.identifier });
        return entity;
      },
      () => this.resources.changed(dto.identifier),
    );
    return toResourceServerResponse(created);
  }

  @Get()
  @ApiOperation({ summary: 'List resource servers' })
  @ApiOkResponse({ type: [ResourceServerResponse] })
  async list(): Promise<ResourceServerResponse[]> {
    return (await this.resources.list()).map(toResourceServerResponse);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One resource server' })
  @ApiOkResponse({ type: ResourceServerResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async get(@Param('id') id: string): Promise<ResourceServerResponse> {
    return toResourceServerResponse(await this.find(id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a resource server' })
  @ApiOkResponse({ type: ResourceServerResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async update(@Param('id') id: string, @Body() dto: UpdateResourceServerDto): Promise<ResourceServerResponse> {
    const current = await this.find(id);
    if (dto.identifier !== undefined && dto.identifier !== current.identifier)
      throw new OAuthError('invalid_request', 'the identifier of a resource server cannot change; register a new one');
    await this.transactions.runForRequest(
      async (manager) => {
        await this.resources.update(
          current,
          {
            ...(dto.name !== undefined ? { name: dto.name } : {}),
            ...(dto.scope !== undefined ? { scope: formatScope([...new Set(scopeTokens(dto.scope))]) } : {}),
            ...(dto.access_token_format !== undefined ? { accessTokenFormat: dto.access_token_format } : {}),
            ...(dto.access_token_signing_alg !== undefined ? { accessTokenSigningAlg: dto.access_token_signing_alg } : {}),
            ...(dto.access_token_ttl !== undefined ? { accessTokenTtl: dto.access_token_ttl } : {}),
          },
          manager,
        );
        await this.audit.recordIn(manager, { type: 'admin.resource.updated', subject: current.identifier, detail: { fields: Object.keys(dto).join(' ') } });
      },
      () => this.resources.changed(current.identifier),
    );
    return toResourceServerResponse(await this.find(id));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a resource server; tokens already issued for it keep their audience until they expire' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponse })
  async delete(@Param('id') id: string): Promise<void> {
    const current = await this.find(id);
    await this.transactions.runForRequest(
      async (manager) => {
        await this.resources.delete(current, manager);
        await this.audit.recordIn(manager, { type: 'admin.resource.deleted', subject: current.identifier });
      },
      () => this.resources.changed(current.identifier),
    );
  }

  private async find(id: string): Promise<ResourceServerEntity> {
    const found = await this.resources.get(id);
    if (!found) throw new OAuthError('not_found', 'resource server not found');
    return found;
  }
}
