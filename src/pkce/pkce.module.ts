import { Module } from '@nestjs/common';
import { SettingsModule } from '../settings/settings.module';
import { PkcePolicyGuard } from './pkce-policy.guard';
import { PkcePolicyService } from './pkce-policy.service';

@Module({
  imports: [SettingsModule],
  providers: [PkcePolicyService, PkcePolicyGuard],
  exports: [PkcePolicyService, PkcePolicyGuard],
})
export class PkceModule {}
