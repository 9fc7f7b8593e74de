import { IsNull, Not, type FindOptionsOrder, type FindOptionsSelect, type FindOptionsWhere, type ObjectLiteral, type Repository } from 'typeorm';

/** The largest value a nullable numeric column holds in any row, or 0 when every row holds NULL (or there are none). */
export async function largestValue<T extends ObjectLiteral>(repository: Repository<T>, property: keyof T & string): Promise<number> {
  const largest = await repository.findOne({
    select: { [property]: true } as FindOptionsSelect<T>,
    where: { [property]: Not(IsNull()) } as FindOptionsWhere<T>,
    order: { [property]: 'DESC' } as FindOptionsOrder<T>,
  });
  return (largest?.[property] as number | null | undefined) ?? 0;
}
