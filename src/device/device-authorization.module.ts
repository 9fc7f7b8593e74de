import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthorizeModule } from '../authorize/public-api';
import { TokensModule, WithSchema } from '../tokens/grants/public-api';
import { DeviceAuthorizationController } from './device-authorization.controller';
import { DeviceAuthorizationService } from './device-authorization.service';
import { DeviceCodeEntity } from './device-code.entity';
import { DeviceCodeGrant } from './device-code.grant';
import { DeviceCodeRepository } from './device-code.repository';
import { DeviceAuthorizationMetadata } from './device.metadata';
import { DeviceVerificationController } from './device-verification.controller';
import { ExpiringDeviceCodes } from './expiring-device-codes';
import { CreateDeviceCodes1766400000000 } from './migrations/1766400000000-CreateDeviceCodes';
import { DeviceCodeAuthentication1766700000001 } from './migrations/1766700000001-DeviceCodeAuthentication';

/**
 * RFC 8628, the device authorization grant, written against the public entry files only (as an
 * outside team would): its endpoint, its verification page on the interaction kit, its grant, its
 * table and migration, its metadata field and its error codes. The server loads it unless
 * DEVICE_AUTHORIZATION=false; it loads the same way through EXTENSION_MODULES.
 */
@WithSchema({ entities: [DeviceCodeEntity], migrations: [CreateDeviceCodes1766400000000, DeviceCodeAuthentication1766700000001] })
@Module({
  imports: [TokensModule, AuthorizeModule, TypeOrmModule.forFeature([DeviceCodeEntity])],
  controllers: [DeviceAuthorizationController, DeviceVerificationController],
  providers: [DeviceCodeRepository, DeviceAuthorizationService, DeviceCodeGrant, DeviceAuthorizationMetadata, ExpiringDeviceCodes],
})
export class DeviceAuthorizationModule {}
