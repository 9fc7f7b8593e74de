import { Transform } from 'class-transformer';

/** A query-string boolean: `true` and `false` become booleans; anything else is left for @IsBoolean to refuse. */
export const QueryBoolean = (): PropertyDecorator => Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));
