import { Column } from 'typeorm';
import { EpochColumn, JsonColumn } from './columns';

/*
 * The columns that several records of a grant hold (authorization codes, access and refresh
 * tokens, login sessions), each kept the same way in every table that has it, under the same
 * name: `resource`, `claims`, `cnf`, `authentication`, `auth_time`.
 */

/** RFC 8707: the resource server (audience) the tokens of a grant are for; null: none named. */
export function ResourceColumn(): PropertyDecorator {
  return Column({ type: 'varchar', length: 255, nullable: true });
}

/** The OpenID Connect `claims` request parameter of a grant (Core §5.5), as JSON; null: none. */
export function ClaimsRequestColumn(): PropertyDecorator {
  return JsonColumn('claims', { nullable: true });
}

/** RFC 7800 §3.1 `cnf`: the key (`jkt`) or certificate (`x5t#S256`) a token is bound to, as JSON; null: none. */
export function ConfirmationColumn(): PropertyDecorator {
  return JsonColumn('cnf', { nullable: true });
}

/** How the user signed in (RFC 8176 amr, OpenID Connect acr), as JSON; null: before this was recorded (a password). */
export function AuthenticationColumn(): PropertyDecorator {
  return JsonColumn('authentication', { nullable: true });
}

/** When the user authenticated (OpenID Connect `auth_time`), epoch seconds; null: not known. */
export function AuthTimeColumn(): PropertyDecorator {
  return EpochColumn('auth_time', { nullable: true });
}
