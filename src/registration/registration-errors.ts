import { defineOAuthErrorCode } from '../common/oauth/oauth-error';

/** RFC 7591 §3.2.2: a redirect URI the server refuses. */
export const INVALID_REDIRECT_URI = defineOAuthErrorCode('invalid_redirect_uri', 400);
/** RFC 7591 §3.2.2: a metadata field whose value is invalid, or a combination the server refuses. */
export const INVALID_CLIENT_METADATA = defineOAuthErrorCode('invalid_client_metadata', 400);
/** RFC 7591 §3.2.2: a software statement that is not a JWT signed by a key this server trusts. */
export const INVALID_SOFTWARE_STATEMENT = defineOAuthErrorCode('invalid_software_statement', 400);
