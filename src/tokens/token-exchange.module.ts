import { Module } from '@nestjs/common';
import { TokenExchangeGrant } from './grants/token-exchange.grant';
import { TokensModule } from './tokens.module';

/**
 * RFC 8693 token exchange, registered as any extension grant is (docs/extending.md):
 * a module that imports TokensModule and lists the grant. Listing it in TokensModule itself closed
 * an import cycle, since the grant imports grants/public-api.ts, which re-exports TokensModule.
 */
@Module({ imports: [TokensModule], providers: [TokenExchangeGrant] })
export class TokenExchangeModule {}
