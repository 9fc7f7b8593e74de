import { isWellFormedPkceValue, s256, verifyPkce } from './pkce';

// RFC 7636 Appendix B.
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('PKCE', () => {
  it('computes the RFC 7636 Appendix B S256 challenge', () => {
    expect(s256(VERIFIER)).toBe(CHALLENGE);
  });

  it.each([
    ['42 characters', 'a'.repeat(42), false],
    ['43 characters', 'a'.repeat(43), true],
    ['128 characters', 'a'.repeat(128), true],
    ['129 characters', 'a'.repeat(129), false],
    ['a forbidden character', `${'a'.repeat(43)}+`, false],
  ])('checks the format: %s', (_name, value, ok) => {
    expect(isWellFormedPkceValue(value)).toBe(ok);
  });

  it.each([
    ['a matching S256 verifier', { codeChallenge: CHALLENGE, codeChallengeMethod: 'S256' as const }, VERIFIER, null],
    ['a matching plain verifier', { codeChallenge: VERIFIER, codeChallengeMethod: 'plain' as const }, VERIFIER, null],
    ['no challenge and no verifier', { codeChallenge: null, codeChallengeMethod: null }, undefined, null],
    ['a missing verifier', { codeChallenge: CHALLENGE, codeChallengeMethod: 'S256' as const }, undefined, 'invalid_grant'],
    ['a wrong verifier', { codeChallenge: CHALLENGE, codeChallengeMethod: 'S256' as const }, 'x'.repeat(43), 'invalid_grant'],
    ['a malformed verifier', { codeChallenge: CHALLENGE, codeChallengeMethod: 'S256' as const }, 'short', 'invalid_grant'],
    ['the challenge sent as verifier for S256', { codeChallenge: CHALLENGE, codeChallengeMethod: 'S256' as const }, CHALLENGE, 'invalid_grant'],
    ['a verifier without a stored challenge (downgrade)', { codeChallenge: null, codeChallengeMethod: null }, VERIFIER, 'invalid_grant'],
  ])('verifies %s', (_name, stored, verifier, error) => {
    if (error === null) expect(() => verifyPkce(stored, verifier)).not.toThrow();
    else expect(() => verifyPkce(stored, verifier)).toThrow(expect.objectContaining({ code: error }));
  });
});
