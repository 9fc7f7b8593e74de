import { UNVOUCHED_AUTHENTICATION } from '../../common/oauth/authentication';
import { isMultiFactor, needsSecondFactor, passwordAuthentication, withSecondFactor } from './mfa-policy';

const NAMES = { passwordAcr: '0', mfaAcr: 'urn:example:mfa' };

describe('the second-factor policy', () => {
  it('asks every user when the application requires it, enrolled or not', () => {
    expect(needsSecondFactor('required', [], false, NAMES)).toBe(true);
    expect(needsSecondFactor('required', ['0'], true, NAMES)).toBe(true);
  });

  it('asks users who have a factor when it is optional, and no one when it is off', () => {
    expect(needsSecondFactor('optional', [], true, NAMES)).toBe(true);
    expect(needsSecondFactor('optional', [], false, NAMES)).toBe(false);
    expect(needsSecondFactor('off', [], true, NAMES)).toBe(false);
  });

  it('honours acr_values asking for the multi-factor class only, whatever the policy', () => {
    expect(needsSecondFactor('off', ['urn:example:mfa'], false, NAMES)).toBe(true);
    // A password is acceptable to this client: no step-up for it.
    expect(needsSecondFactor('off', ['0', 'urn:example:mfa'], true, NAMES)).toBe(false);
  });

  it('reports pwd, then pwd otp mfa with the multi-factor acr (RFC 8176)', () => {
    expect(passwordAuthentication(NAMES)).toEqual({ amr: ['pwd'], acr: '0' });
    const stepped = withSecondFactor(NAMES, passwordAuthentication(NAMES), ['otp']);
    expect(stepped).toEqual({ amr: ['pwd', 'otp', 'mfa'], acr: 'urn:example:mfa' });
    expect(isMultiFactor(stepped)).toBe(true);
    expect(isMultiFactor(passwordAuthentication(NAMES))).toBe(false);
  });

  it('never adds pwd to a step-up of a sign-in made elsewhere', () => {
    expect(withSecondFactor(NAMES, UNVOUCHED_AUTHENTICATION, ['otp'])).toEqual({ amr: ['otp', 'mfa'], acr: 'urn:example:mfa' });
    expect(withSecondFactor(NAMES, { amr: ['hwk', 'mfa'], acr: 'x' }, ['otp']).amr).toEqual(['hwk', 'otp', 'mfa']);
  });
});
