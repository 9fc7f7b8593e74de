import { DiscoveryService } from '@nestjs/core';

/** Marks a SignInFactor provider for the SignInFactorRegistry. */
export const SignInFactorProvider = DiscoveryService.createDecorator();
