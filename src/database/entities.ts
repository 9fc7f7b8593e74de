import { AuditEventEntity } from '../audit/audit-event.entity';
import { ClientEntity } from '../clients/client.entity';
import { ConsentEntity } from '../consent/consent.entity';
import { LoginSessionEntity } from '../authorize/login-session.entity';
import { SettingsEntity } from '../settings/settings.entity';
import { AccessTokenEntity } from '../tokens/entities/access-token.entity';
import { AuthorizationCodeEntity } from '../tokens/entities/authorization-code.entity';
import { RefreshTokenEntity } from '../tokens/entities/refresh-token.entity';
import { UserEntity } from '../users/user.entity';
import { SigningKeyEntity } from '../keys/signing-key.entity';
import { ResourceServerEntity } from '../resources/resource-server.entity';
import { ScopeEntity } from '../scopes/scope.entity';
import { ReplayEntryEntity } from '../security/replay-entry.entity';
import { PushedAuthorizationRequestEntity } from '../authorize/par/pushed-authorization-request.entity';
import { LdapDirectoryEntity } from '../federation/ldap-directory.entity';
import { FederatedUserEntity } from '../federation/federated-user.entity';
import { TokenRevocationEntity } from '../tokens/entities/token-revocation.entity';
import { ClientRegistrationEntity } from '../registration/client-registration.entity';
import { InitialAccessTokenEntity } from '../registration/initial-access-token.entity';

export const ENTITIES = [
  ClientEntity,
  UserEntity,
  ConsentEntity,
  LoginSessionEntity,
  SettingsEntity,
  AuthorizationCodeEntity,
  AccessTokenEntity,
  RefreshTokenEntity,
  AuditEventEntity,
  SigningKeyEntity,
  ResourceServerEntity,
  ScopeEntity,
  ReplayEntryEntity,
  PushedAuthorizationRequestEntity,
  LdapDirectoryEntity,
  FederatedUserEntity,
  TokenRevocationEntity,
  InitialAccessTokenEntity,
  ClientRegistrationEntity,
];
