import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../clients/clients.module';
import { DatabaseModule } from '../database/unit-of-work/database.module';
import { SettingsModule } from '../settings/settings.module';
import { UsersModule } from '../users/users.module';
import { OidcModule } from '../oidc/oidc.module';
import { ResourcesModule } from '../resources/resources.module';
import { AuthorizationCodeService } from './authorization-code.service';
import { AccessTokenEntity } from './entities/access-token.entity';
import { AuthorizationCodeEntity } from './entities/authorization-code.entity';
import { RefreshTokenEntity } from './entities/refresh-token.entity';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { GrantRegistry } from './grants/grant-registry';
import { PasswordGrant } from './grants/password.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { BearerTokenGuard, UserInfoTokenGuard } from './guards/bearer-token.guard';
import { IntrospectionController } from './introspection.controller';
import { RevocationController } from './revocation.controller';
import { AccessTokenFormats } from './access-token-formats';
import { IntrospectionService } from './introspection.service';
import { RevocationService } from './revocation.service';
import { TokenController } from './token.controller';
import { TokenIssuer } from './token-issuer';
import { TokenStore } from './token-store';
import { UserInfoController } from './userinfo.controller';
import { TokenBindingMetadata } from './binding/binding.metadata';
import { CertificateBinding } from './binding/certificate.binding';
import { DpopBinding } from './binding/dpop/dpop.binding';
import { TokenBindingRegistry } from './binding/token-binding-registry';

@Module({
  imports: [
    DiscoveryModule,
    DatabaseModule,
    TypeOrmModule.forFeature([AccessTokenEntity, RefreshTokenEntity, AuthorizationCodeEntity]),
    ClientsModule,
    UsersModule,
    SettingsModule,
    OidcModule,
    ResourcesModule,
  ],
  controllers: [TokenController, RevocationController, IntrospectionController, UserInfoController],
  providers: [
    TokenIssuer,
    TokenStore,
    AccessTokenFormats,
    IntrospectionService,
    RevocationService,
    AuthorizationCodeService,
    GrantRegistry,
    BearerTokenGuard,
    UserInfoTokenGuard,
    AuthorizationCodeGrant,
    ClientCredentialsGrant,
    PasswordGrant,
    RefreshTokenGrant,
    TokenBindingRegistry,
    DpopBinding,
    CertificateBinding,
    TokenBindingMetadata,
  ],
  exports: [
    ResourcesModule,
    TokenIssuer,
    TokenStore,
    AuthorizationCodeService,
    GrantRegistry,
    BearerTokenGuard,
    TokenBindingRegistry,
    ClientsModule,
    UsersModule,
  ],
})
export class TokensModule {}
