import { Param } from '@nestjs/common';
import { AdminController, AdminDelete } from './admin-controller.decorator';
import { AdminTokensService } from './admin-tokens.service';

@AdminController('admin/tokens', 'admin: tokens')
export class TokensAdminController {
  constructor(private readonly tokens: AdminTokensService) {}

  @AdminDelete(':id', 'Revoke one token by its id (a refresh token takes its whole grant with it)', {
    description:
      'A stored token: an opaque access token or a refresh token. A JWT access token has no row: revoke its holder’s grant (its refresh token), its user or its application, or have its client revoke it (RFC 7009).',
  })
  revoke(@Param('id') id: string): Promise<void> {
    return this.tokens.revoke(id);
  }
}
