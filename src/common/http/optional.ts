import { ValidateIf } from 'class-validator';

/**
 * May be absent, but not null: class-validator's IsOptional also lets null through, which would
 * reach a NOT NULL column. Use IsOptional only where null means something (inherit, clear).
 */
export const IsOptionalNotNull = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined);
