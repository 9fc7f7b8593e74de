import { DatabaseModule } from '../database/unit-of-work/database.module';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AUTHORIZE_ERROR_RENDERER } from '../common/oauth/authorize-error-renderer';
import type { AppConfig } from '../config/app-config';
import { configToken } from '../config/config.module';
import { ConsentModule } from '../consent/consent.module';
import { KeysModule } from '../keys/keys.module';
import { PkceModule } from '../pkce/pkce.module';
import { ScopesModule } from '../scopes/scopes.module';
import { TokensModule } from '../tokens/tokens.module';
import { AccountController } from './account.controller';
import { AccountSecurityController } from './account-security.controller';
import { AuthorizationResponder } from './authorization-response';
import { AuthorizeErrorPages } from './authorize-error.renderer';
import { AuthorizeController } from './authorize.controller';
import { CsrfTokens } from './csrf';
import { InteractionKit } from './interaction-kit';
import { SecondFactorStep } from './second-factor';
import { PasskeySignIn } from './passkey-sign-in';
import { PasskeysController } from './passkeys.controller';
import { AuthorizeClientGuard } from './guards/authorize-client.guard';
import { LoginSessionEntity } from './login-session.entity';
import { LoginSessionService } from './login-session.service';
import { LoginSessionRepository, TypeOrmLoginSessionRepository } from './login-session.repository';
import { LogoutController } from './logout.controller';
import { Pages } from './views/pages';
import { AuthorizeRequestValidator } from './authorize-request.validator';
import { PushedAuthorizationRequestEntity } from './par/pushed-authorization-request.entity';
import { PushedAuthorizationRequests } from './par/pushed-authorization-requests';
import { PushedAuthorizationRequestRepository } from './par/pushed-authorization-request.repository';
import { PushedAuthorizationController } from './par/pushed-authorization.controller';
import { PushedAuthorizationMetadata } from './par/pushed-authorization.metadata';
import { PushedAuthorizationService } from './par/pushed-authorization.service';
import { PushedRequestSeal } from './par/pushed-request-seal';
import { RequestObjectVerifier } from './request-object.verifier';
import { SettingsModule } from '../settings/settings.module';
import { SignInFactorsModule } from '../users/factors/sign-in-factors.module';

/**
 * The authorization endpoint and the browser around it: the parsed authorize request, login
 * session, CSRF, cookies, pages, the account and logout pages, pushed authorization requests
 * (RFC 9126), and how its errors are answered.
 * It uses consent, tokens, clients, users and pkce; none of them imports it.
 */
@Module({
  imports: [
    DatabaseModule,
    TypeOrmModule.forFeature([LoginSessionEntity, PushedAuthorizationRequestEntity]),
    ConsentModule,
    TokensModule,
    PkceModule,
    KeysModule,
    ScopesModule,
    SettingsModule,
    SignInFactorsModule,
  ],
  controllers: [AuthorizeController, AccountController, AccountSecurityController, LogoutController, PushedAuthorizationController, PasskeysController],
  providers: [
    { provide: LoginSessionRepository, useClass: TypeOrmLoginSessionRepository },
    LoginSessionService,
    AuthorizeClientGuard,
    AuthorizeRequestValidator,
    PushedAuthorizationRequests,
    PushedAuthorizationRequestRepository,
    PushedAuthorizationService,
    PushedAuthorizationMetadata,
    PushedRequestSeal,
    RequestObjectVerifier,
    AuthorizationResponder,
    CsrfTokens,
    InteractionKit,
    SecondFactorStep,
    PasskeySignIn,
    { provide: Pages, useFactory: (brandName: AppConfig['brandName']) => new Pages(brandName), inject: [configToken('brandName')] },
    { provide: AUTHORIZE_ERROR_RENDERER, useClass: AuthorizeErrorPages },
  ],
  exports: [LoginSessionService, InteractionKit, AUTHORIZE_ERROR_RENDERER],
})
export class AuthorizeModule {}
