import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { KeysModule } from '../keys/keys.module';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { PkceModule } from '../pkce/pkce.module';
import { TokensModule } from '../tokens/tokens.module';
import { AccountController } from './account.controller';
import { AuthorizeController } from './authorize.controller';
import { LogoutController } from './logout.controller';
import { ConsentEntity } from './consent.entity';
import { ConsentService } from './consent.service';
import { AuthorizeClientGuard } from './guards/authorize-client.guard';
import { LoginSessionEntity } from './login-session.entity';
import { LoginSessionService } from './login-session.service';
import { Pages } from './views/pages';

@Module({
  imports: [TypeOrmModule.forFeature([ConsentEntity, LoginSessionEntity]), TokensModule, PkceModule, KeysModule],
  controllers: [AuthorizeController, AccountController, LogoutController],
  providers: [
    ConsentService,
    LoginSessionService,
    AuthorizeClientGuard,
    { provide: Pages, useFactory: (config: AppConfig) => new Pages(config.brandName), inject: [APP_CONFIG] },
  ],
  exports: [ConsentService, LoginSessionService],
})
export class ConsentModule {}
