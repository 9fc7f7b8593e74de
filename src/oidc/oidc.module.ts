import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { IdTokenService } from './id-token.service';

/** OpenID Connect: ID Tokens (signed with the keys module's keys). */
@Module({
  imports: [KeysModule],
  providers: [IdTokenService],
  exports: [IdTokenService, KeysModule],
})
export class OidcModule {}
