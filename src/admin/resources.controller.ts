import { Body, Param } from '@nestjs/common';
import { OAuthError } from '../common/oauth/oauth-error';
import { ResourceServerEntity } from '../resources/resource-server.entity';
import { ResourceServersService } from '../resources/resource-servers.service';
import { AdminController, AdminCreate, AdminDelete, AdminRead, AdminUpdate } from './admin-controller.decorator';
import { AdminResourcesService } from './admin-resources.service';
import { CreateResourceServerDto, ResourceServerResponse, toResourceServerResponse, UpdateResourceServerDto } from './dto/resource.dto';

@AdminController('admin/resources', 'admin: resource servers')
export class ResourcesController {
  constructor(
    private readonly resources: ResourceServersService,
    private readonly changes: AdminResourcesService,
  ) {}

  @AdminCreate('Register a resource server (RFC 8707): identifier, scopes, token format and lifetime', ResourceServerResponse, { conflict: 'Identifier taken' })
  async create(@Body() dto: CreateResourceServerDto): Promise<ResourceServerResponse> {
    if (await this.resources.find(dto.identifier)) throw new OAuthError('conflict', 'identifier is already registered');
    const created = await this.changes.create(dto);
    return toResourceServerResponse(created);
  }

  @AdminRead(undefined, 'List resource servers', [ResourceServerResponse])
  async list(): Promise<ResourceServerResponse[]> {
    return (await this.resources.list()).map(toResourceServerResponse);
  }

  @AdminRead(':id', 'One resource server', ResourceServerResponse)
  async get(@Param('id') id: string): Promise<ResourceServerResponse> {
    return toResourceServerResponse(await this.find(id));
  }

  @AdminUpdate(':id', 'Change a resource server', ResourceServerResponse)
  async update(@Param('id') id: string, @Body() dto: UpdateResourceServerDto): Promise<ResourceServerResponse> {
    const current = await this.find(id);
    if (dto.identifier !== undefined && dto.identifier !== current.identifier)
      throw new OAuthError('invalid_request', 'the identifier of a resource server cannot change; register a new one');
    await this.changes.update(current, dto);
    return toResourceServerResponse(await this.find(id));
  }

  @AdminDelete(':id', 'Delete a resource server; tokens already issued for it keep their audience until they expire')
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
