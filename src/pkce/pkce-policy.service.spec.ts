import type { AuthenticatedClient } from '../clients/clients.service';
import type { GlobalSettings, SettingsService } from '../settings/settings.service';
import { PkcePolicyService } from './pkce-policy.service';

function policyWith(global: Partial<GlobalSettings>) {
  const settings = { get: async () => ({ pkceRequired: false, pkcePlainAllowed: false, ...global }) };
  return new PkcePolicyService(settings as unknown as SettingsService);
}
const client = (overrides: Partial<AuthenticatedClient>) => ({ isPublic: false, pkce: 'inherit', pkcePlainAllowed: null, ...overrides }) as AuthenticatedClient;

describe('PkcePolicyService', () => {
  it.each([
    ['inherit follows a global "required"', { pkceRequired: true }, {}, true],
    ['inherit follows a global "optional"', { pkceRequired: false }, {}, false],
    ['a per-application "required" beats a global "optional"', { pkceRequired: false }, { pkce: 'required' as const }, true],
    ['a per-application "optional" beats a global "required"', { pkceRequired: true }, { pkce: 'optional' as const }, false],
    ['a public client always requires PKCE', { pkceRequired: false }, { isPublic: true, pkce: 'optional' as const }, true],
  ])('%s', async (_name, global, overrides, required) => {
    expect((await policyWith(global).resolve(client(overrides))).required).toBe(required);
  });

  it('allows plain only where the application or, when it inherits, the global setting says so', async () => {
    expect((await policyWith({ pkcePlainAllowed: true }).resolve(client({}))).plainAllowed).toBe(true);
    expect((await policyWith({ pkcePlainAllowed: true }).resolve(client({ pkcePlainAllowed: false }))).plainAllowed).toBe(false);
    expect((await policyWith({}).resolve(client({ pkcePlainAllowed: true }))).plainAllowed).toBe(true);
  });

  describe('enforce', () => {
    const S256 = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
    it.each([
      [
        'refuses a missing challenge where PKCE is required',
        { pkceRequired: true },
        { codeChallenge: null, codeChallengeMethod: null },
        'code_challenge is required (PKCE)',
      ],
      ['accepts a missing challenge where PKCE is optional', { pkceRequired: false }, { codeChallenge: null, codeChallengeMethod: null }, null],
      [
        'refuses plain where the policy does not allow it',
        {},
        { codeChallenge: S256, codeChallengeMethod: 'plain' as const },
        'code_challenge_method plain is not allowed, use S256',
      ],
      ['accepts plain where the policy allows it', { pkcePlainAllowed: true }, { codeChallenge: S256, codeChallengeMethod: 'plain' as const }, null],
      ['accepts S256 always', { pkceRequired: true }, { codeChallenge: S256, codeChallengeMethod: 'S256' as const }, null],
    ])('%s', async (_name, global, challenge, description) => {
      const result = policyWith(global).enforce({ client: client({}), ...challenge });
      if (description === null) await expect(result).resolves.toBeUndefined();
      else await expect(result).rejects.toMatchObject({ code: 'invalid_request', description });
    });
  });
});
