import { Injectable, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { APP_CONFIG, loadConfig } from '../config/app-config';
import { type ExpiringTable, ExpiringTableProvider } from '../database/extensions/expiring-table';
import { DatabaseStatus } from '../database/unit-of-work/database-status';
import { AccessTokenEntity } from '../tokens/entities/access-token.entity';
import { ExpiredDataCleanupService } from './expired-data-cleanup.service';

@Injectable()
@ExpiringTableProvider()
class AccessTokensAgain implements ExpiringTable {
  readonly table = 'access_tokens';
  readonly entity = AccessTokenEntity;
  readonly expiresAt = 'expiresAt';
}

describe('ExpiredDataCleanupService', () => {
  it('refuses to boot when a module registers a table the janitor already empties', async () => {
    @Module({
      imports: [DiscoveryModule],
      providers: [ExpiredDataCleanupService, AccessTokensAgain, { provide: DatabaseStatus, useValue: {} }, { provide: APP_CONFIG, useValue: loadConfig({}) }],
    })
    class TestModule {}
    const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
    await expect(moduleRef.init()).rejects.toThrow('Two expiring tables registered for access_tokens');
  });
});
