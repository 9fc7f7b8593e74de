import { Injectable, Module, Scope } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { createProviderMarker } from './provider-marker';

const Marked = createProviderMarker();

@Injectable()
class Dependency {
  readonly name = 'dependency';
}

@Marked()
class MarkerOnly {
  constructor(readonly dependency: Dependency) {}
}

@Injectable({ scope: Scope.REQUEST })
@Marked()
class ScopeAbove {}

@Marked()
@Injectable({ scope: Scope.REQUEST })
class ScopeBelow {}

async function discovered(...providers: (typeof MarkerOnly | typeof ScopeAbove)[]) {
  @Module({ imports: [DiscoveryModule], providers: [Dependency, ...providers] })
  class TestModule {}
  const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
  return { moduleRef, wrappers: moduleRef.get(DiscoveryService).getProviders({ metadataKey: Marked.KEY }) };
}

describe('createProviderMarker', () => {
  it('makes a class carrying only the marker a provider, with its dependencies injected, and discoverable', async () => {
    const { moduleRef, wrappers } = await discovered(MarkerOnly);
    expect(wrappers.map((wrapper) => wrapper.name)).toEqual(['MarkerOnly']);
    expect(moduleRef.get(MarkerOnly).dependency).toBe(moduleRef.get(Dependency));
  });

  it.each([
    ['above', ScopeAbove],
    ['below', ScopeBelow],
  ])('keeps the scope of an @Injectable() %s it (the older form)', async (_where, provider) => {
    const { wrappers } = await discovered(provider);
    expect(wrappers).toHaveLength(1);
    expect(wrappers[0].isDependencyTreeStatic()).toBe(false);
  });
});
