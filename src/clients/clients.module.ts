import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientEntity } from './client.entity';
import { ClientsService } from './clients.service';
import { ClientAuthenticationRegistry } from './authentication/client-authentication-registry';
import { ClientSecretBasicMethod } from './authentication/client-secret-basic.method';
import { ClientSecretPostMethod } from './authentication/client-secret-post.method';
import { NoneMethod } from './authentication/none.method';
import { ClientAuthenticationMetadata } from './authentication/client-authentication.metadata';
import { ClientAuthGuard } from './guards/client-auth.guard';
import { ClientKeys } from './client-keys';
import { ClientCertificates } from './authentication/client-certificate';

@Module({
  imports: [TypeOrmModule.forFeature([ClientEntity]), DiscoveryModule],
  providers: [
    ClientsService,
    ClientAuthenticationRegistry,
    ClientAuthenticationMetadata,
    ClientSecretBasicMethod,
    ClientSecretPostMethod,
    NoneMethod,
    ClientAuthGuard,
    ClientKeys,
    ClientCertificates,
  ],
  exports: [ClientsService, ClientAuthenticationRegistry, ClientAuthGuard, ClientKeys, ClientCertificates],
})
export class ClientsModule {}
