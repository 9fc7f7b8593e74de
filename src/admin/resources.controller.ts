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
import { ErrorResponse } from '../common/http/error-response.dto';
import { OAuthError } from '../common/oauth/oauth-error';
import { ResourceServerEntity } from '../resources/resource-server.entity';
import { ResourceServersService } from '../resources/resource-servers.service';
import { AdminController } from './admin-controller.decorator';
import { AdminResourcesService } from './admin-resources.service';
import { CreateResourceServerDto, ResourceServerResponse, toResourceServerResponse, UpdateResourceServerDto } from './dto/resource.dto';

@AdminController('admin/resources', 'admin: resource servers')
export class ResourcesController {
  constructor(
    private readonly resources: ResourceServersService,
    private readonly changes: AdminResourcesService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register a resource server (RFC 8707): identifier, scopes, token format and lifetime' })
  @ApiCreatedResponse({ type: ResourceServerResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'Identifier taken' })
  async create(@Body() dto: CreateResourceServerDto): Promise<ResourceServerResponse> {
    if (await this.resources.find(dto.identifier)) throw new OAuthError('conflict', 'identifier is already registered');
    const created = await this.changes.create(dto);
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
    await this.changes.update(current, dto);
    return toResourceServerResponse(await this.find(id));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a resource server; tokens already issued for it keep their audience until they expire' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponse })
  async delete(@Param('id') id: string): Promise<void> {
    const current = await this.find(id);
    await this.changes.delete(current);
  }

  private async find(id: string): Promise<ResourceServerEntity> {
    const found = await this.resources.get(id);
    if (!found) throw new OAuthError('not_found', 'resource server not found');
    return found;
  }
}
