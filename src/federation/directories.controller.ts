import { Body, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
} from '@nestjs/swagger';
import { AdminController } from '../admin/admin-controller.decorator';
import { ErrorResponse } from '../common/http/error-response.dto';
import { DirectoriesService } from './directories.service';
import { CreateDirectoryDto, DirectoryResponse, SyncResponse, UpdateDirectoryDto } from './dto/directory.dto';

@AdminController('admin/directories', 'admin: directories')
export class DirectoriesController {
  constructor(private readonly directories: DirectoriesService) {}

  @Post()
  @ApiOperation({ summary: 'Add an LDAP / Active Directory directory whose users sign in with their directory password' })
  @ApiCreatedResponse({ type: DirectoryResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  create(@Body() dto: CreateDirectoryDto): Promise<DirectoryResponse> {
    return this.directories.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'The directories, in the order a sign-in asks them' })
  @ApiOkResponse({ type: [DirectoryResponse] })
  list(): Promise<DirectoryResponse[]> {
    return this.directories.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One directory (never its service account password)' })
  @ApiOkResponse({ type: DirectoryResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  get(@Param('id') id: string): Promise<DirectoryResponse> {
    return this.directories.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a directory' })
  @ApiOkResponse({ type: DirectoryResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  update(@Param('id') id: string, @Body() dto: UpdateDirectoryDto): Promise<DirectoryResponse> {
    return this.directories.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a directory; its users are disabled' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponse })
  delete(@Param('id') id: string): Promise<void> {
    return this.directories.delete(id);
  }

  @Post(':id/sync')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sync now: refresh linked users, disable those gone from the directory' })
  @ApiOkResponse({ type: SyncResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiServiceUnavailableResponse({ type: ErrorResponse, description: 'The directory did not answer' })
  sync(@Param('id') id: string): Promise<SyncResponse> {
    return this.directories.sync(id);
  }
}
