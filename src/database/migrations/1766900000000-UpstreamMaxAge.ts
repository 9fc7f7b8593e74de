import { AddColumnMigration } from './add-column';
import * as column from './columns';

/** The max_age (seconds, above 0) an upstream sign-in was sent with: its answer must show an authentication that recent. */
export class UpstreamMaxAge1766900000000 extends AddColumnMigration {
  readonly name = 'UpstreamMaxAge1766900000000';

  constructor() {
    super('upstream_login_states', column.int('max_age', { isNullable: true }));
  }
}
