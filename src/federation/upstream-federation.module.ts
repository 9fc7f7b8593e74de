import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminGuard } from '../admin/admin.guard';
import { AuthorizeModule } from '../authorize/authorize.module';
import { UpstreamSignIn } from '../authorize/upstream-sign-in';
import { expiringTable } from '../database/extensions/expiring-table';
import { WithSchema } from '../database/extensions/extension-schema';
import { DatabaseModule } from '../database/unit-of-work/database.module';
import { TokensModule } from '../tokens/tokens.module';
import { FederatedAccounts } from './federated-accounts';
import { FederatedIdentityEntity } from './federated-identity.entity';
import { IdentityProvidersController } from './identity-providers.controller';
import { UpstreamIdentityProviders1766300000000 } from '../database/migrations/1766300000000-UpstreamIdentityProviders';
import { SamlIdentityProviders1766700000000 } from '../database/migrations/1766700000000-SamlIdentityProviders';
import { UpstreamForcedAuthentication1766800000000 } from '../database/migrations/1766800000000-UpstreamForcedAuthentication';
import { UpstreamMaxAge1766900000000 } from '../database/migrations/1766900000000-UpstreamMaxAge';
import { SamlController } from './saml.controller';
import { SamlIdentityProvidersController } from './saml-identity-providers.controller';
import { SamlProvidersService } from './saml-providers.service';
import { SamlSignInService } from './saml-sign-in.service';
import { UpstreamSignInDispatcher } from './upstream-sign-in.dispatcher';
import { UpstreamCallbackController } from './upstream-callback.controller';
import { UpstreamClients } from './upstream-clients';
import { UpstreamLoginStateEntity } from './upstream-login-state.entity';
import { UpstreamProviderEntity } from './upstream-provider.entity';
import { UpstreamProvidersService } from './upstream-providers.service';
import { UpstreamProvidersRepository } from './upstream-providers.repository';
import { FederatedIdentitiesRepository } from './federated-identities.repository';
import { UpstreamLoginStatesRepository } from './upstream-login-states.repository';
import { UpstreamSignInService } from './upstream-sign-in.service';

const ENTITIES = [UpstreamProviderEntity, FederatedIdentityEntity, UpstreamLoginStateEntity];

/** Sign-ins in flight expire; the janitor deletes them (and, after the session's lifetime, the record of one that succeeded). */
export const ExpiringUpstreamLoginStates = expiringTable({ table: 'upstream_login_states', entity: UpstreamLoginStateEntity, expiresAt: 'expiresAt' });

/**
 * Sign-in through upstream OpenID Connect and SAML 2.0 providers ("Sign in with …"): their management API,
 * the links of local users to upstream accounts, the relying-party side of the code flow and the
 * service-provider side of SAML Web Browser SSO.
 * Global so that the authorization endpoint (which it imports) finds UpstreamSignIn.
 */
@Global()
@WithSchema({
  entities: ENTITIES,
  migrations: [
    UpstreamIdentityProviders1766300000000,
    SamlIdentityProviders1766700000000,
    UpstreamForcedAuthentication1766800000000,
    UpstreamMaxAge1766900000000,
  ],
})
@Module({
  imports: [DatabaseModule, TokensModule, AuthorizeModule, TypeOrmModule.forFeature(ENTITIES)],
  controllers: [SamlIdentityProvidersController, IdentityProvidersController, UpstreamCallbackController, SamlController],
  providers: [
    AdminGuard,
    UpstreamProvidersRepository,
    FederatedIdentitiesRepository,
    UpstreamLoginStatesRepository,
    UpstreamProvidersService,
    UpstreamClients,
    FederatedAccounts,
    UpstreamSignInService,
    ExpiringUpstreamLoginStates,
    SamlProvidersService,
    SamlSignInService,
    UpstreamSignInDispatcher,
    { provide: UpstreamSignIn, useExisting: UpstreamSignInDispatcher },
  ],
  exports: [UpstreamSignIn],
})
export class UpstreamFederationModule {}
