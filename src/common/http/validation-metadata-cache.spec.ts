import { IsInt, IsOptional, IsString, MaxLength, MetadataStorage, validate } from 'class-validator';
import { getMetadataStorage } from 'class-validator';
import { cacheValidationMetadata } from './validation-metadata-cache';

class Parent {
  @IsString()
  name!: string;
}

class Child extends Parent {
  @IsOptional()
  @IsInt()
  count?: number;
}

/** A storage of its own holding the rules of Parent and Child as the global one does. */
function storageLike(): MetadataStorage {
  const storage = new MetadataStorage();
  for (const target of [Parent, Child]) {
    for (const rule of getMetadataStorage().getTargetValidationMetadatas(target, '', true, false)) {
      if (rule.target === target) storage.addValidationMetadata(rule);
    }
  }
  return storage;
}

describe('cacheValidationMetadata', () => {
  it('answers what the library answers, own and inherited rules alike', () => {
    const plain = storageLike();
    const cached = storageLike();
    cacheValidationMetadata(cached);
    for (const args of [
      [Child, '', false, false, undefined],
      [Child, undefined, true, false, undefined],
      [Child, '', false, true, ['admin']],
      [Parent, '', false, false, undefined],
    ] as const) {
      const expected = plain.getTargetValidationMetadatas(...(args as unknown as Parameters<MetadataStorage['getTargetValidationMetadatas']>));
      const twice = [0, 1].map(() => cached.getTargetValidationMetadatas(...(args as unknown as Parameters<MetadataStorage['getTargetValidationMetadatas']>)));
      expect(twice[0]).toEqual(expected);
      expect(twice[1]).toBe(twice[0]);
      expect(cached.groupByPropertyName(twice[0])).toEqual(plain.groupByPropertyName(expected));
    }
  });

  it('looks up the rules of a class once, not on every validation', () => {
    const storage = storageLike();
    cacheValidationMetadata(storage);
    const scans = jest.spyOn((storage as unknown as { validationMetadatas: Map<unknown, unknown> }).validationMetadatas, 'entries');
    const first = storage.getTargetValidationMetadatas(Child, '', false, false);
    for (let i = 0; i < 5; i++) expect(storage.getTargetValidationMetadatas(Child, '', false, false)).toBe(first);
    expect(scans).toHaveBeenCalledTimes(1);
    // The same rules grouped by property: the same object each time.
    expect(storage.groupByPropertyName(first)).toBe(storage.groupByPropertyName(first));
  });

  it('forgets what it kept when a rule is declared later', () => {
    const storage = storageLike();
    cacheValidationMetadata(storage);
    const before = storage.getTargetValidationMetadatas(Child, '', false, false);
    const rule = getMetadataStorage()
      .getTargetValidationMetadatas(Late, '', true, false)
      .find((r) => r.propertyName === 'note')!;
    storage.addValidationMetadata({ ...rule, target: Child } as typeof rule);
    const after = storage.getTargetValidationMetadatas(Child, '', false, false);
    expect(after).not.toBe(before);
    expect(after.map((r) => r.propertyName)).toContain('note');
  });

  it('groups an array it did not answer afresh', () => {
    const storage = storageLike();
    cacheValidationMetadata(storage);
    const own = [...storage.getTargetValidationMetadatas(Child, '', false, false)];
    const grouped = storage.groupByPropertyName(own);
    own.pop();
    expect(storage.groupByPropertyName(own)).not.toEqual(grouped);
  });

  it('wraps once when installed twice, and validation still rejects and accepts', async () => {
    cacheValidationMetadata();
    const wrapped = getMetadataStorage().getTargetValidationMetadatas;
    cacheValidationMetadata();
    expect(getMetadataStorage().getTargetValidationMetadatas).toBe(wrapped);
    const bad = Object.assign(new Child(), { name: 3, count: 'x' });
    expect((await validate(bad)).map((e) => e.property).sort()).toEqual(['count', 'name']);
    expect(await validate(Object.assign(new Child(), { name: 'a', count: 2 }))).toEqual([]);
  });
});

class Late {
  @MaxLength(3)
  note?: string;
}
