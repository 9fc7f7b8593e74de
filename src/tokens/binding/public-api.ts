/**
 * Everything a token binding's author needs, from one path: the contract, its decorator, the
 * confirmation type and the error type. A binding outside src/ imports from here only.
 */
export type { BindingRequest, TokenBinding } from './token-binding';
export { TokenBindingProvider } from './token-binding.decorator';
export type { Confirmation } from './confirmation';
export { confirmation, sameConfirmation } from './confirmation';
export type { AuthenticatedClient } from '../../clients/clients.service';
export { OAuthError, defineOAuthErrorCode } from '../../common/oauth/oauth-error';
export type { AuthenticationChallenge } from '../../common/oauth/oauth-error';
