import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ResourceServerEntity } from './resource-server.entity';
import { ResourceServerRepository, TypeOrmResourceServerRepository } from './resource-server.repository';
import { ResourceServersService } from './resource-servers.service';

/** Resource servers (RFC 8707); the admin API manages them, the token service issues for them. */
@Module({
  imports: [TypeOrmModule.forFeature([ResourceServerEntity])],
  providers: [{ provide: ResourceServerRepository, useClass: TypeOrmResourceServerRepository }, ResourceServersService],
  exports: [ResourceServersService],
})
export class ResourcesModule {}
