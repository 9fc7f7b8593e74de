import type { FactorRecord } from './sign-in-factor';
import { type AssertionVerifier, PasskeyFactor } from './passkey.factor';
import { passkeyAuthentication, passwordAuthentication, withSecondFactor } from './mfa-policy';
import { passkeyAmr, type PasskeyAssertion, type PasskeyResult } from './passkeys.service';

const names = { passwordAcr: '0', mfaAcr: 'urn:oauth-server:acr:mfa' };

const record = (id: string, userId = 'u1'): FactorRecord => ({
  id,
  userId,
  type: 'passkey',
  name: id,
  secret: '',
  createdAt: 0,
  lastUsedAt: null,
  spentAt: null,
});

/** Answers each assertion as told, and remembers for whom it was asked. */
class FakeVerifier implements AssertionVerifier {
  readonly asked: (string | null)[] = [];
  constructor(private readonly answer: PasskeyResult<PasskeyAssertion>) {}

  async verifyAssertion(_json: string, userId: string | null): Promise<PasskeyResult<PasskeyAssertion>> {
    this.asked.push(userId);
    return this.answer;
  }
}

const verified = (factorId: string, amr: string[]): PasskeyResult<PasskeyAssertion> => ({
  ok: true,
  value: { userId: 'u1', factorId, amr, userVerified: amr.includes('user') },
});

describe('PasskeyFactor', () => {
  it('accepts only a JSON credential, never a six-digit code or a recovery code', () => {
    const factor = new PasskeyFactor(new FakeVerifier(verified('p1', ['hwk'])));
    expect(factor.accepts('{"id":"abc"}')).toBe(true);
    expect(factor.accepts('123456')).toBe(false);
    expect(factor.accepts('abcd-efgh-ijkl-mnop')).toBe(false);
  });

  it('returns the record the assertion proved, with the amr of that credential', async () => {
    const verifier = new FakeVerifier(verified('p2', ['swk', 'user']));
    const used = await new PasskeyFactor(verifier).verify([record('p1'), record('p2')], '{}');
    expect(used).toMatchObject({ id: 'p2', amr: ['swk', 'user'] });
    expect(verifier.asked).toEqual(['u1']);
  });

  it('proves nothing for a user without passkeys, without asking', async () => {
    const verifier = new FakeVerifier(verified('p1', ['hwk']));
    expect(await new PasskeyFactor(verifier).verify([], '{}')).toBeNull();
    expect(verifier.asked).toEqual([]);
  });

  it('proves nothing when the assertion is refused, or names a credential not among the user’s records', async () => {
    const refused = new FakeVerifier({ ok: false, reason: 'invalid' });
    expect(await new PasskeyFactor(refused).verify([record('p1')], '{}')).toBeNull();
    const elsewhere = new FakeVerifier(verified('p9', ['hwk']));
    expect(await new PasskeyFactor(elsewhere).verify([record('p1')], '{}')).toBeNull();
  });
});

describe('passkey amr and acr (RFC 8176 §2)', () => {
  it.each([
    [false, false, ['hwk']],
    [false, true, ['hwk', 'user']],
    [true, false, ['swk']],
    [true, true, ['swk', 'user']],
  ])('backup eligible %s, user verified %s: %j', (backupEligible, userVerified, amr) => {
    expect(passkeyAmr(backupEligible, userVerified)).toEqual(amr);
  });

  it('a user-verified passkey alone is multi-factor: mfa and ACR_MFA', () => {
    expect(passkeyAuthentication(names, ['hwk', 'user'], true)).toEqual({ amr: ['hwk', 'user', 'mfa'], acr: names.mfaAcr });
  });

  it('a passkey without user verification alone is one factor: the password class', () => {
    expect(passkeyAuthentication(names, ['swk'], false)).toEqual({ amr: ['swk'], acr: names.passwordAcr });
  });

  it('a passkey after the password: pwd, the passkey values, mfa', () => {
    expect(withSecondFactor(names, passwordAuthentication(names), ['hwk'])).toEqual({ amr: ['pwd', 'hwk', 'mfa'], acr: names.mfaAcr });
  });
});
