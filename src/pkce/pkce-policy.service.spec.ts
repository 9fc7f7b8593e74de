import type { AuthenticatedClient } from '../clients/clients.service';
import type { GlobalSettings, SettingsService } from '../settings/settings.service';
import { PkcePolicyService } from './pkce-policy.service';

function policyWith(global: Partial<GlobalSettings>) {
  const settings = { get: async () => ({ pkceRequired: false, pkcePlainAllowed: false, ...global }) };
  return new PkcePolicyService(settings as unknown as SettingsService);
}
const client = (overrides: Partial<AuthenticatedClient>) =>
  ({ isPublic: false, pkce: 'inherit', pkcePlainAllowed: null, ...overrides }) as AuthenticatedClient;

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
});
