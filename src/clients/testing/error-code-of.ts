import { OAuthError } from '../../common/oauth/oauth-error';

/** For specs: the code of the OAuthError `run` throws, undefined when it throws nothing, a marker for any other error. */
export function errorCodeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof OAuthError ? error.code : 'not an OAuthError';
  }
  return undefined;
}
