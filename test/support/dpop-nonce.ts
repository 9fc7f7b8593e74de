import * as oauth from 'oauth4webapi';

/** Sends a request, and once more when the answer asks for a DPoP nonce (RFC 9449 §8): oauth4webapi keeps the nonce. */
export async function withNonce<T>(send: () => Promise<Response>, process: (response: Response) => Promise<T>): Promise<T> {
  try {
    return await process(await send());
  } catch (error) {
    if (!oauth.isDPoPNonceError(error)) throw error;
    return process(await send());
  }
}
