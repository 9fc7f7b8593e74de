import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientEntity } from './client.entity';
import { ClientsService } from './clients.service';
import { ClientRepository, TypeOrmClientRepository } from './client.repository';
import { ClientAuthenticationRegistry } from './authentication/client-authentication-registry';
import { ClientSecretBasicMethod } from './authentication/client-secret-basic.method';
import { ClientSecretPostMethod } from './authentication/client-secret-post.method';
import { NoneMethod } from './authentication/none.method';
import { ClientAuthenticationMetadata } from './authentication/client-authentication.metadata';
import { ClientAuthGuard } from './guards/client-auth.guard';
import { ClientKeys } from './client-keys';
import { ClientCertificates } from './authentication/client-certificate';
import { ClientAssertionVerifier } from './authentication/client-assertion';
import { PrivateKeyJwtMethod } from './authentication/private-key-jwt.method';
import { ClientSecretJwtMethod } from './authentication/client-secret-jwt.method';
import { TlsClientAuthMethod } from './authentication/tls-client-auth.method';
import { SelfSignedTlsClientAuthMethod } from './authentication/self-signed-tls-client-auth.method';
import { ClientSecretSealer } from './client-secret-sealer';
import { KeysModule } from '../keys/keys.module';

@Module({
  imports: [TypeOrmModule.forFeature([ClientEntity]), DiscoveryModule, KeysModule],
  providers: [
    { provide: ClientRepository, useClass: TypeOrmClientRepository },
    ClientsService,
    ClientAuthenticationRegistry,
    ClientAuthenticationMetadata,
    ClientSecretBasicMethod,
    ClientSecretPostMethod,
    NoneMethod,
    PrivateKeyJwtMethod,
    ClientSecretJwtMethod,
    TlsClientAuthMethod,
    SelfSignedTlsClientAuthMethod,
    ClientAssertionVerifier,
    ClientSecretSealer,
    ClientAuthGuard,
    ClientKeys,
    ClientCertificates,
  ],
  exports: [ClientsService, ClientAuthenticationRegistry, ClientAuthGuard, ClientKeys, ClientCertificates, ClientSecretSealer],
})
export class ClientsModule {}
