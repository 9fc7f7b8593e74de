import { OAuthError } from '../common/oauth/oauth-error';
import { scopeTokens } from '../common/oauth/scope';
import type { UserAddress, UserProfile } from '../users/users.service';

/**
 * The one map from scope to OpenID Connect standard claims (Core §5.4): userinfo, the ID Token,
 * discovery, the consent page and the scope catalogue all read it. Other scopes grant no claim.
 */
export const CLAIMS_BY_SCOPE: Readonly<Record<string, readonly string[]>> = {
  openid: ['sub'],
  profile: [
    'name',
    'family_name',
    'given_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
  ],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
};

/** The scope that grants each standard claim. */
const SCOPE_OF_CLAIM: ReadonlyMap<string, string> = new Map(
  Object.entries(CLAIMS_BY_SCOPE).flatMap(([scope, claims]) => claims.filter((c) => c !== 'sub').map((claim) => [claim, scope] as const)),
);

/**
 * The Authentication Context Class Reference of every sign-in here (Core §2 `acr`): "0", the level
 * below ISO/IEC 29115 level 1, because the only factor is a password that may have been entered
 * long before (a browser session). Never claimed stronger than that.
 */
export const PASSWORD_ACR = '0';

/** Claims about the authentication, not the user, that a claims request may ask the ID Token for. */
const ID_TOKEN_ONLY_CLAIMS = ['acr', 'auth_time'];

export type ClaimValue = string | number | boolean | Readonly<UserAddress>;

/** Every standard claim this server can release, for discovery's `claims_supported`. */
export function supportedUserClaims(): string[] {
  return [...new Set(Object.values(CLAIMS_BY_SCOPE).flat())];
}

/** The scope a standard claim belongs to, or undefined for `sub` and claims we do not hold. */
export function scopeOfClaim(claim: string): string | undefined {
  return SCOPE_OF_CLAIM.get(claim);
}

/** The standard claims a scope string grants (Core §5.4). */
export function claimsOfScope(scope: string): string[] {
  return scopeTokens(scope).flatMap((s) => CLAIMS_BY_SCOPE[s] ?? []);
}

/**
 * The profile claims (Core §5.1) a user holds as they are stored, null where the user has no
 * value: the claims userinfo releases, and the fields the admin API shows, name them alike.
 */
export function storedProfileClaims(user: UserProfile) {
  return {
    middle_name: user.middleName,
    nickname: user.nickname,
    profile: user.profile,
    picture: user.picture,
    website: user.website,
    gender: user.gender,
    birthdate: user.birthdate,
    zoneinfo: user.zoneinfo,
    locale: user.locale,
  };
}

/** Every standard claim of a user, null where the user has no value. */
function userClaims(user: UserProfile): Record<string, ClaimValue | null> {
  return {
    sub: user.id,
    name: user.name,
    family_name: user.familyName,
    given_name: user.givenName,
    ...storedProfileClaims(user),
    preferred_username: user.username,
    updated_at: user.updatedAt,
    email: user.email,
    email_verified: user.email === null ? null : user.emailVerified,
    address: user.address && Object.keys(user.address).length > 0 ? user.address : null,
    phone_number: user.phoneNumber,
    phone_number_verified: user.phoneNumber === null ? null : user.phoneNumberVerified,
  };
}

/**
 * The named claims of a user that have a value, with `sub`. Core §5.3.2: a claim without a value
 * is omitted, never sent as null or an empty string.
 */
export function releaseClaims(user: UserProfile, names: Iterable<string>): { sub: string } & Record<string, ClaimValue> {
  const all = userClaims(user);
  const released: { sub: string } & Record<string, ClaimValue> = { sub: user.id };
  for (const name of names) {
    const value = all[name];
    if (value !== null && value !== undefined && value !== '') released[name] = value;
  }
  return released;
}

/** One entry of a claims request (Core §5.5.1): null, or how the claim is wanted. */
export interface ClaimRequest {
  readonly essential?: boolean;
  readonly value?: string | number | boolean;
  readonly values?: readonly (string | number | boolean)[];
}

/** The `claims` request parameter (Core §5.5), normalised: only the claims this server can return. */
export interface ClaimsRequest {
  readonly userinfo?: Readonly<Record<string, ClaimRequest | null>>;
  readonly id_token?: Readonly<Record<string, ClaimRequest | null>>;
}

const MAX_CLAIMS_PARAMETER = 4096;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isPrimitive = (value: unknown): value is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof value);

function claimRequest(name: string, entry: unknown): ClaimRequest | null {
  if (entry === null) return null;
  if (!isObject(entry)) throw new OAuthError('invalid_request', `claims: the request for ${name} must be null or an object`);
  const { essential, value, values } = entry;
  if (essential !== undefined && typeof essential !== 'boolean') throw new OAuthError('invalid_request', `claims: essential of ${name} must be a boolean`);
  if (value !== undefined && !isPrimitive(value)) throw new OAuthError('invalid_request', `claims: value of ${name} must be a string, number or boolean`);
  if (values !== undefined && !(Array.isArray(values) && values.every(isPrimitive)))
    throw new OAuthError('invalid_request', `claims: values of ${name} must be an array of strings, numbers or booleans`);
  return {
    ...(essential !== undefined ? { essential } : {}),
    ...(value !== undefined ? { value } : {}),
    ...(values !== undefined ? { values: [...values] } : {}),
  };
}

/**
 * Parses the `claims` parameter (Core §5.5). Claims this server does not hold are dropped (§5.5:
 * a claim that is not understood is ignored); a request that is not the JSON shape of §5.5 is
 * invalid_request. `allowedScopes`: a user claim is kept only when the client may request its scope.
 */
export function parseClaimsRequest(raw: string, allowedScopes: readonly string[]): ClaimsRequest {
  if (raw.length > MAX_CLAIMS_PARAMETER) throw new OAuthError('invalid_request', 'claims is too long');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new OAuthError('invalid_request', 'claims must be a JSON object');
  }
  if (!isObject(parsed)) throw new OAuthError('invalid_request', 'claims must be a JSON object');
  const member = (target: 'userinfo' | 'id_token'): Record<string, ClaimRequest | null> | undefined => {
    const requested = parsed[target];
    if (requested === undefined) return undefined;
    if (!isObject(requested)) throw new OAuthError('invalid_request', `claims.${target} must be a JSON object`);
    const kept: Record<string, ClaimRequest | null> = {};
    for (const [name, entry] of Object.entries(requested)) {
      const request = claimRequest(name, entry);
      const scope = scopeOfClaim(name);
      const holds = (scope !== undefined && allowedScopes.includes(scope)) || (target === 'id_token' && ID_TOKEN_ONLY_CLAIMS.includes(name));
      if (holds) kept[name] = request;
    }
    return kept;
  };
  const userinfo = member('userinfo');
  const idToken = member('id_token');
  return { ...(userinfo ? { userinfo } : {}), ...(idToken ? { id_token: idToken } : {}) };
}

/** The scopes whose claims a claims request asks for, beyond those of the scope parameter (they need consent too). */
export function scopesOfClaimsRequest(claims: ClaimsRequest | null): string[] {
  if (!claims) return [];
  const names = [...Object.keys(claims.userinfo ?? {}), ...Object.keys(claims.id_token ?? {})];
  return [...new Set(names.map(scopeOfClaim).filter((s): s is string => s !== undefined))];
}
