/**
 * How a user authenticated, when it was not with a password on our login page: the ID Token's
 * `amr` (RFC 8176) and `acr` (OpenID Connect Core §2). `amr` null: no method can be vouched for,
 * so the claim is left out (it is optional) rather than naming a method nobody checked here.
 */
export interface AuthenticationContext {
  readonly amr: readonly string[] | null;
  readonly acr: string | null;
}

/**
 * Looked up by the sign-in an ID Token reports: the user and its auth_time (the login session's
 * start). Provided by the module that signs users in another way (upstream identity providers);
 * null: the sign-in was ours (a password).
 */
export abstract class AuthenticationContextSource {
  abstract find(userId: string, authTime: number): Promise<AuthenticationContext | null>;
}
