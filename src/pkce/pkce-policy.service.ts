import { Injectable } from '@nestjs/common';
import type { AuthenticatedClient } from '../clients/clients.service';
import { SettingsService } from '../settings/settings.service';

export interface PkcePolicy {
  readonly required: boolean;
  readonly plainAllowed: boolean;
}

/**
 * Effective PKCE policy of a client: public clients always require it (RFC 9700 §2.1.1);
 * otherwise the client's override, or the global setting when it says `inherit`.
 */
@Injectable()
export class PkcePolicyService {
  constructor(private readonly settings: SettingsService) {}

  async resolve(client: AuthenticatedClient): Promise<PkcePolicy> {
    const global = await this.settings.get();
    const required =
      client.isPublic || client.pkce === 'required' || (client.pkce === 'inherit' && global.pkceRequired);
    return { required, plainAllowed: client.pkcePlainAllowed ?? global.pkcePlainAllowed };
  }
}
