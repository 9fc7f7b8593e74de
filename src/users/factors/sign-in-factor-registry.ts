import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { discoverUnique } from '../../common/registry/discover-unique';
import type { SignInFactor } from './sign-in-factor';
import { SignInFactorProvider } from './sign-in-factor.decorator';

/** Every SignInFactor marked @SignInFactorProvider(), by type; a duplicate or request-scoped one stops the boot. */
@Injectable()
export class SignInFactorRegistry implements OnModuleInit {
  private factors: ReadonlyMap<string, SignInFactor> = new Map();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    this.factors = discoverUnique<SignInFactor>(this.discovery, SignInFactorProvider, 'sign-in factors', (factor) => factor.type);
  }

  get(type: string): SignInFactor | undefined {
    return this.factors.get(type);
  }

  all(): readonly SignInFactor[] {
    return [...this.factors.values()];
  }
}
