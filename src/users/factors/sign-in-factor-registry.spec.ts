import { Injectable, Module, Scope, type Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { FactorRecord, SignInFactor } from './sign-in-factor';
import { SignInFactorProvider } from './sign-in-factor.decorator';
import { SignInFactorRegistry } from './sign-in-factor-registry';

/** A factor that accepts one fixed word, for the registry's rules only. */
function aFactor(type: string): Type<SignInFactor> {
  @Injectable()
  @SignInFactorProvider()
  class WordFactor implements SignInFactor {
    readonly type = type;
    readonly amr = ['kba'];
    accepts(proof: string): boolean {
      return proof === 'word';
    }
    async verify(records: readonly FactorRecord[]): Promise<FactorRecord | null> {
      return records[0] ?? null;
    }
  }
  return WordFactor;
}

async function registryWith(...factors: Type[]): Promise<SignInFactorRegistry> {
  @Module({ imports: [DiscoveryModule], providers: [SignInFactorRegistry, ...factors] })
  class TestModule {}
  const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
  await moduleRef.init();
  return moduleRef.get(SignInFactorRegistry);
}

describe('SignInFactorRegistry', () => {
  it('finds every factor marked @SignInFactorProvider(), by type', async () => {
    const registry = await registryWith(aFactor('word'), aFactor('other'));
    expect(registry.all().map((f) => f.type)).toEqual(['word', 'other']);
    expect(registry.get('word')?.accepts('word')).toBe(true);
    expect(registry.get('missing')).toBeUndefined();
  });

  it('refuses to boot with two factors of one type', async () => {
    await expect(registryWith(aFactor('word'), aFactor('word'))).rejects.toThrow('Two sign-in factors registered for word');
  });

  it('refuses to boot with a request-scoped factor', async () => {
    @Injectable({ scope: Scope.REQUEST })
    @SignInFactorProvider()
    class Scoped implements SignInFactor {
      readonly type = 'scoped';
      readonly amr = [];
      accepts(): boolean {
        return false;
      }
      async verify(): Promise<FactorRecord | null> {
        return null;
      }
    }
    await expect(registryWith(Scoped)).rejects.toThrow('must not be request-scoped');
  });
});
