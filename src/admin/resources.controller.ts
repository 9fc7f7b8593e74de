import { Body, Param } from '@nestjs/common';
import { AdminController, AdminCreate, AdminDelete, AdminRead, AdminUpdate } from './admin-controller.decorator';
import { AdminResourcesService } from './admin-resources.service';
import { CreateResourceServerDto, ResourceServerResponse, toResourceServerResponse, UpdateResourceServerDto } from './dto/resource.dto';

@AdminController('admin/resources', 'admin: resource servers')
export class ResourcesController {
  constructor(private readonly resources: AdminResourcesService) {}

  @AdminCreate('Register a resource server (RFC 8707): identifier, scopes, token format and lifetime', ResourceServerResponse, { conflict: 'Identifier taken' })
  async create(@Body() dto: CreateResourceServerDto): Promise<ResourceServerResponse> {
    return toResourceServerResponse(await this.resources.create(dto));
  }

  @AdminRead(undefined, 'List resource servers', [ResourceServerResponse])
  async list(): Promise<ResourceServerResponse[]> {
    return (await this.resources.list()).map(toResourceServerResponse);
  }

  @AdminRead(':id', 'One resource server', ResourceServerResponse)
  async get(@Param('id') id: string): Promise<ResourceServerResponse> {
    return toResourceServerResponse(await this.resources.get(id));
  }

  @AdminUpdate(':id', 'Change a resource server', ResourceServerResponse)
  async update(@Param('id') id: string, @Body() dto: UpdateResourceServerDto): Promise<ResourceServerResponse> {
    return toResourceServerResponse(await this.resources.update(id, dto));
  }

  @AdminDelete(':id', 'Delete a resource server; tokens already issued for it keep their audience until they expire')
  delete(@Param('id') id: string): Promise<void> {
    return this.resources.delete(id);
  }
}
