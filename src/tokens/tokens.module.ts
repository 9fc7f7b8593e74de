import { SignInFactorsModule } from '../users/factors/sign-in-factors.module';
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
import { AuthorizationCodeRepository, TypeOrmAuthorizationCodeRepository } from './authorization-code.repository';
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
import { GrantIssuer, TokenIssuer } from './token-issuer';
import { GrantTokenLookup, TokenStore } from './token-store';
import { TokenCompensator } from './compensation/token-compensator';
import { TokenRepository, TypeOrmTokenRepository } from './token.repository';
import { UserInfoController } from './userinfo.controller';
import { TokenRevocationEntity } from './entities/token-revocation.entity';
import { TokenRevocationRepository, TypeOrmTokenRevocationRepository } from './token-revocation.repository';
import { TokenRevocations } from './token-revocations';
import { TokenBindingMetadata } from './binding/binding.metadata';
import { CertificateBinding } from './binding/certificate.binding';
import { DpopBinding } from './binding/dpop/dpop.binding';
import { TokenBindingRegistry } from './binding/token-binding-registry';

@Module({
  imports: [
    DiscoveryModule,
    DatabaseModule,
    TypeOrmModule.forFeature([AccessTokenEntity, RefreshTokenEntity, AuthorizationCodeEntity, TokenRevocationEntity]),
    ClientsModule,
    UsersModule,
    SignInFactorsModule,
    SettingsModule,
    OidcModule,
    ResourcesModule,
  ],
  controllers: [TokenController, RevocationController, IntrospectionController, UserInfoController],
  providers: [
    TokenIssuer,
    { provide: TokenRepository, useClass: TypeOrmTokenRepository },
    TokenStore,
    TokenCompensator,
    { provide: GrantTokenLookup, useExisting: TokenStore },
    { provide: GrantIssuer, useExisting: TokenIssuer },
    AccessTokenFormats,
    { provide: TokenRevocationRepository, useClass: TypeOrmTokenRevocationRepository },
    TokenRevocations,
    IntrospectionService,
    RevocationService,
    { provide: AuthorizationCodeRepository, useClass: TypeOrmAuthorizationCodeRepository },
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
    GrantIssuer,
    GrantTokenLookup,
    AuthorizationCodeService,
    GrantRegistry,
    BearerTokenGuard,
    TokenBindingRegistry,
    DpopBinding,
    ClientsModule,
    UsersModule,
    // ID Tokens for grants that sign a user in (public-api.ts: IdTokenService).
    OidcModule,
  ],
})
export class TokensModule {}
