import type { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { QueryInteger, QueryString } from './fields';

export class PaginationQuery {
  @QueryInteger({ minimum: 1, default: 1 }, 1, 1_000_000)
  page = 1;

  @QueryInteger({ minimum: 1, maximum: 100, default: 20 }, 1, 100)
  per_page = 20;
}

export class ApplicationListQuery extends PaginationQuery {
  @QueryString(255, { description: 'Only applications whose client_name contains this text' })
  name?: string;
}

export interface Paginated<T> {
  items: T[];
  page: number;
  per_page: number;
  total: number;
}

/** The documented page of a list of `item`s; a named subclass (`class UserPage extends PageOf(UserResponse)`) names its schema. */
export function PageOf<T>(item: Type<T>): Type<Paginated<T>> {
  class Page implements Paginated<T> {
    @ApiProperty({ type: [item] }) items: T[];
    @ApiProperty({ example: 1 }) page: number;
    @ApiProperty({ example: 50 }) per_page: number;
    @ApiProperty({ example: 1 }) total: number;
  }
  return Page;
}
