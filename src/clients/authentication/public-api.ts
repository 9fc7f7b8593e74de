/**
 * Everything a client authentication method's author needs, from one path: the contract and its
 * decorator, the secret comparison, and the one error type. A method outside src/ imports from
 * here only; what is not exported here may change without notice.
 */
export type {
  ClientAuthenticationMethod,
  ClientAuthenticationRequest,
  PresentedCertificate,
  PresentedClient,
  StoredClient,
} from './client-authentication-method';
export { CLIENT_ID_PRESENTATION } from './client-id-presentation';
export { ClientAuthenticationMethodProvider } from './client-authentication-method.decorator';
export { clientSecretMatches } from './client-secret';
export type { AuthenticatedClient } from '../clients.service';
export { OAuthError } from '../../common/oauth/oauth-error';
