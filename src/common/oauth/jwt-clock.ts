/**
 * How far the clocks of the JWTs this server receives (client assertions, request objects, DPoP
 * proofs) may be off. FAPI 2.0 Security Profile §5.3.2.1: accept `iat`/`nbf` up to 10 seconds in
 * the future, refuse them more than 60 seconds in the future.
 */
export const JWT_CLOCK_TOLERANCE_SECONDS = 10;
/** Never accepted further ahead than this, whatever a check's own tolerance. */
export const JWT_MAX_FUTURE_SECONDS = 60;

/** Whether `iat` or `nbf` lies beyond the tolerated skew (RFC 7519 §4.1.5, §4.1.6); a non-number counts as such. */
export function issuedInFuture(payload: { readonly iat?: unknown; readonly nbf?: unknown }, now: number, tolerance = JWT_CLOCK_TOLERANCE_SECONDS): boolean {
  return [payload.iat, payload.nbf].some((claim) => claim !== undefined && (typeof claim !== 'number' || claim > now + tolerance));
}
