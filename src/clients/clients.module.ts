import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientEntity } from './client.entity';
import { ClientsService } from './clients.service';
import { ClientAuthGuard } from './guards/client-auth.guard';

@Module({
  imports: [TypeOrmModule.forFeature([ClientEntity])],
  providers: [ClientsService, ClientAuthGuard],
  exports: [ClientsService, ClientAuthGuard],
})
export class ClientsModule {}
