import { Body, Param } from '@nestjs/common';
import { AdminAction, AdminController, AdminCreate, AdminDelete, AdminRead, AdminUpdate } from '../admin/admin-controller.decorator';
import { DirectoriesService } from './directories.service';
import { CreateDirectoryDto, DirectoryResponse, SyncResponse, UpdateDirectoryDto } from './dto/directory.dto';

@AdminController('admin/directories', 'admin: directories')
export class DirectoriesController {
  constructor(private readonly directories: DirectoriesService) {}

  @AdminCreate('Add an LDAP / Active Directory directory whose users sign in with their directory password', DirectoryResponse)
  create(@Body() dto: CreateDirectoryDto): Promise<DirectoryResponse> {
    return this.directories.create(dto);
  }

  @AdminRead(undefined, 'The directories, in the order a sign-in asks them', [DirectoryResponse])
  list(): Promise<DirectoryResponse[]> {
    return this.directories.list();
  }

  @AdminRead(':id', 'One directory (never its service account password)', DirectoryResponse)
  get(@Param('id') id: string): Promise<DirectoryResponse> {
    return this.directories.get(id);
  }

  @AdminUpdate(':id', 'Change a directory', DirectoryResponse)
  update(@Param('id') id: string, @Body() dto: UpdateDirectoryDto): Promise<DirectoryResponse> {
    return this.directories.update(id, dto);
  }

  @AdminDelete(':id', 'Remove a directory; its users are disabled')
  delete(@Param('id') id: string): Promise<void> {
    return this.directories.delete(id);
  }

  @AdminAction(':id/sync', 'Sync now: refresh linked users, disable those gone from the directory', SyncResponse, {
    unavailable: 'The directory did not answer',
  })
  sync(@Param('id') id: string): Promise<SyncResponse> {
    return this.directories.sync(id);
  }
}
