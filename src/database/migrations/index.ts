import { InitialSchema1764000000000 } from './1764000000000-InitialSchema';
import { AuditEvents1764100000000 } from './1764100000000-AuditEvents';
import { MigrationImport1764300000000 } from './1764300000000-MigrationImport';
import { OpenIdConnect1764400000000 } from './1764400000000-OpenIdConnect';
import { ResourceServers1764500000000 } from './1764500000000-ResourceServers';
import { ScopeCatalogue1764600000000 } from './1764600000000-ScopeCatalogue';
import { RefreshRetry1764700000000 } from './1764700000000-RefreshRetry';
import { AccessTokenSigningAlg1764800000000 } from './1764800000000-AccessTokenSigningAlg';
import { StandardClaims1764900000000 } from './1764900000000-StandardClaims';
import { ReplayCache1765000000000 } from './1765000000000-ReplayCache';
import { ClientKeys1765000000001 } from './1765000000001-ClientKeys';
import { TokenBinding1765200000000 } from './1765200000000-TokenBinding';
import { PushedAuthorizationRequests1765100000000 } from './1765100000000-PushedAuthorizationRequests';
import { SignedRequestObjects1765100000001 } from './1765100000001-SignedRequestObjects';
import { FapiProfile1765400000000 } from './1765400000000-FapiProfile';
import { LdapDirectories1766200000000 } from './1766200000000-LdapDirectories';
import { TokenRevocations1766600000000 } from './1766600000000-TokenRevocations';
import { SignInAuthentication1766100000000 } from './1766100000000-SignInAuthentication';
import { DynamicRegistration1766500000000 } from './1766500000000-DynamicRegistration';
import { MetadataDocumentHostSettings1766700000000 } from './1766700000000-MetadataDocumentHostSettings';
import { AuthorizationCodeOwners1767000000000 } from './1767000000000-AuthorizationCodeOwners';
import { AccessTokenAuthTime1766700000000 } from './1766700000000-AccessTokenAuthTime';

/** Every migration, in order. Listed explicitly: no globs over dist/. */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  AuditEvents1764100000000,
  MigrationImport1764300000000,
  OpenIdConnect1764400000000,
  ResourceServers1764500000000,
  ScopeCatalogue1764600000000,
  RefreshRetry1764700000000,
  AccessTokenSigningAlg1764800000000,
  StandardClaims1764900000000,
  ReplayCache1765000000000,
  ClientKeys1765000000001,
  TokenBinding1765200000000,
  PushedAuthorizationRequests1765100000000,
  SignedRequestObjects1765100000001,
  FapiProfile1765400000000,
  LdapDirectories1766200000000,
  TokenRevocations1766600000000,
  SignInAuthentication1766100000000,
  DynamicRegistration1766500000000,
  MetadataDocumentHostSettings1766700000000,
  AccessTokenAuthTime1766700000000,
  AuthorizationCodeOwners1767000000000,
];
