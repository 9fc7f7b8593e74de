import { Injectable, Module, Scope } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { discoverUnique } from './discover-unique';

const Marked = DiscoveryService.createDecorator<void>();

@Injectable()
@Marked()
class Alpha {
  readonly keys: unknown = ['a', 'b'];
}

@Injectable()
@Marked()
class Beta {
  readonly keys: unknown = ['c'];
}

@Injectable()
@Marked()
class ClaimsB extends Alpha {
  override readonly keys = ['b'];
}

@Injectable()
@Marked()
class Nameless extends Alpha {
  override readonly keys = [''];
}

@Injectable({ scope: Scope.REQUEST })
@Marked()
class PerRequest extends Alpha {
  override readonly keys = ['z'];
}

async function discover(...providers: (typeof Alpha | typeof Beta)[]) {
  @Module({ imports: [DiscoveryModule], providers })
  class TestModule {}
  const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
  return discoverUnique<{ keys: unknown }>(moduleRef.get(DiscoveryService), Marked, 'test things', (t) => t.keys);
}

describe('discoverUnique', () => {
  it('indexes every marked provider by each key it claims', async () => {
    const found = await discover(Alpha, Beta);
    expect([...found.keys()].sort()).toEqual(['a', 'b', 'c']);
    expect(found.get('a')).toBe(found.get('b'));
  });

  it('refuses two providers claiming one key', async () => {
    await expect(discover(Alpha, ClaimsB)).rejects.toThrow('Two test things registered for b');
  });

  it('refuses a provider with an empty key', async () => {
    await expect(discover(Nameless)).rejects.toThrow('Nameless names no key (test things)');
  });

  it('refuses a request-scoped provider: there is no request at boot', async () => {
    await expect(discover(PerRequest)).rejects.toThrow('PerRequest must not be request-scoped (test things)');
  });
});
