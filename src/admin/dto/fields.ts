import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsOptionalNotNull } from '../../common/http/optional';
import { QueryBoolean } from '../../common/http/query-boolean';

/**
 * The field decorators the management API's bodies and queries share: one place says what, for
 * instance, an optional flag or a list of strings accepts.
 */

/**
 * The decorators as if written one above the other: the last is applied first, as TypeScript does.
 * class-validator keeps a field's constraints in the order they were applied, and a 400 lists the
 * messages top decorator first, so the order here is the order of those messages.
 */
export function Stacked(...decorators: PropertyDecorator[]): PropertyDecorator {
  return applyDecorators(...[...decorators].reverse());
}

/** RFC 6749 §3.3: scope tokens separated by single spaces (or nothing). */
const SCOPE_STRING = /^([\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*)?$/;

/** An optional scope string (validation only: each field documents its own meaning). */
export const ScopeString = (): PropertyDecorator =>
  Stacked(IsOptionalNotNull(), IsString(), MaxLength(2048), Matches(SCOPE_STRING, { message: 'scope must be space-separated scope tokens (RFC 6749 §3.3)' }));

/** A required, non-empty string of at most `maxLength` characters. */
export const RequiredText = (maxLength: number, doc: ApiPropertyOptions = {}): PropertyDecorator =>
  Stacked(ApiProperty(doc), IsString(), MinLength(1), MaxLength(maxLength));

/** An optional, non-empty string of at most `maxLength` characters that may not be null. */
export const OptionalText = (maxLength: number, doc: ApiPropertyOptions = {}): PropertyDecorator =>
  Stacked(ApiPropertyOptional(doc), IsOptionalNotNull(), IsString(), MinLength(1), MaxLength(maxLength));

/** An optional string matching `pattern` (a name, an attribute) that may not be null. */
export const OptionalPattern = (pattern: RegExp, doc: ApiPropertyOptions = {}): PropertyDecorator =>
  Stacked(ApiPropertyOptional(doc), IsOptionalNotNull(), Matches(pattern));

/** An optional whole number from `min` to `max` that may not be null. */
export const OptionalInteger = (min: number, max: number, doc: ApiPropertyOptions = {}): PropertyDecorator =>
  Stacked(ApiPropertyOptional(doc), IsOptionalNotNull(), IsInt(), Min(min), Max(max));

/** An optional true or false that may not be null, documented with `doc`. */
export const OptionalFlag = (doc: ApiPropertyOptions = {}): PropertyDecorator => Stacked(ApiPropertyOptional(doc), IsOptionalNotNull(), IsBoolean());

/** An optional string where null means something (none, clear, inherit), of at most `maxLength` characters. */
export const NullableString = (maxLength: number, doc: ApiPropertyOptions = {}): PropertyDecorator =>
  Stacked(ApiPropertyOptional({ type: String, nullable: true, ...doc }), IsOptional(), IsString(), MaxLength(maxLength));

/** An array (non-empty with `notEmpty`) of at most `maxItems` strings of at most `maxLength` characters each (validation only). */
export const StringArray = (maxItems: number, maxLength: number, { notEmpty = false } = {}): PropertyDecorator =>
  Stacked(IsArray(), ...(notEmpty ? [ArrayNotEmpty()] : []), ArrayMaxSize(maxItems), IsString({ each: true }), MaxLength(maxLength, { each: true }));

/** An optional lifetime in seconds, up to a year, where null means the default (validation only). */
export const NullableLifetime = (): PropertyDecorator => Stacked(IsOptional(), IsInt(), Min(1), Max(31_536_000));

/** An optional list of at most `maxItems` objects, each checked as a `type` (documented with `doc`). */
export const NestedList = (type: new () => object, maxItems: number, doc: ApiPropertyOptions = {}): PropertyDecorator =>
  Stacked(
    ApiPropertyOptional({ type: [type], ...doc }),
    IsOptionalNotNull(),
    IsArray(),
    ArrayMaxSize(maxItems),
    ValidateNested({ each: true }),
    Type(() => type),
  );

/** An optional object checked as a `type`; null is accepted only where `doc` documents it as nullable (it clears the field). */
export const Nested = (type: new () => object, doc: ApiPropertyOptions = {}): PropertyDecorator =>
  Stacked(
    ApiPropertyOptional({ type, ...doc }),
    doc.nullable ? IsOptional() : IsOptionalNotNull(),
    ValidateNested(),
    Type(() => type),
  );

/** A moment in an answer, as epoch seconds (with an example time when given). */
export const EpochSeconds = (example?: number): PropertyDecorator =>
  ApiProperty({ description: 'Epoch seconds', ...(example === undefined ? {} : { example }) });

/** An optional text query parameter of at most `maxLength` characters. */
export const QueryString = (maxLength: number, doc: ApiPropertyOptions = {}): PropertyDecorator =>
  Stacked(ApiPropertyOptional(doc), IsOptional(), IsString(), MaxLength(maxLength));

/** An optional whole-number query parameter from `min` (to `max`), converted from its text. */
export const QueryInteger = (doc: ApiPropertyOptions, min: number, max?: number): PropertyDecorator =>
  Stacked(
    ApiPropertyOptional(doc),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(min),
    ...(max === undefined ? [] : [Max(max)]),
  );

/** An optional true/false query parameter (the text `true` or `false`). */
export const QueryFlag = (doc: ApiPropertyOptions): PropertyDecorator =>
  Stacked(ApiPropertyOptional({ type: Boolean, ...doc }), IsOptional(), QueryBoolean(), IsBoolean());
