import * as oauth from 'oauth4webapi';
import type { TestApp } from './create-test-app';
import { createClient, type TestClient } from './factories';
import { FormBrowser, type Page } from './form-browser';
import { insecure } from './oauth4webapi';
import { sql } from './sql';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** A device application (confidential unless `public`), as oauth4webapi's Client and its authentication. */
export async function deviceClient(
  t: TestApp,
  options: { public?: boolean; scope?: string; grantTypes?: string[]; mfa?: 'off' | 'optional' | 'required' } = {},
): Promise<{ test: TestClient; client: oauth.Client; auth: oauth.ClientAuth }> {
  const test = await createClient(t, {
    grantTypes: options.grantTypes ?? [DEVICE_CODE_GRANT, 'refresh_token'],
    scope: options.scope ?? 'openid profile read',
    tokenEndpointAuthMethod: options.public ? 'none' : 'client_secret_basic',
    ...(options.mfa ? { mfa: options.mfa } : {}),
  });
  const client: oauth.Client = { client_id: test.clientId, token_endpoint_auth_method: options.public ? 'none' : 'client_secret_basic' };
  return { test, client, auth: options.public ? oauth.None() : oauth.ClientSecretBasic(test.clientSecret!) };
}

/** RFC 8628 §3.1–3.2 through oauth4webapi: the device's codes for `scope`. */
export async function authorizeDevice(
  as: oauth.AuthorizationServer,
  setup: { client: oauth.Client; auth: oauth.ClientAuth },
  scope: string,
): Promise<oauth.DeviceAuthorizationResponse> {
  return oauth.processDeviceAuthorizationResponse(as, setup.client, await oauth.deviceAuthorizationRequest(as, setup.client, setup.auth, { scope }, insecure));
}

/** What a poll of the token endpoint ended with: the tokens, or the RFC 8628 §3.5 error code. */
export async function poll(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  auth: oauth.ClientAuth,
  deviceCode: string,
): Promise<oauth.TokenEndpointResponse | { error: string; status: number }> {
  const response = await oauth.deviceCodeGrantRequest(as, client, auth, deviceCode, insecure);
  try {
    return await oauth.processDeviceCodeResponse(as, client, response);
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError) return { error: error.error, status: error.status };
    throw error;
  }
}

/** As if the device waited its interval: the last poll moved an hour back. */
export async function waitInterval(t: TestApp, clientId: string): Promise<void> {
  await sql(t.dataSource, 'UPDATE device_codes SET last_polled_at = last_polled_at - 3600 WHERE client_id = ? AND last_polled_at IS NOT NULL', [clientId]);
}

/** The user on the verification page: signs in and types the code as given; returns the page that follows. */
export async function enterUserCode(browser: FormBrowser, user: { username: string; password: string }, typedCode: string): Promise<Page> {
  const entry = await browser.submit(await browser.get('/device'), { username: user.username, password: user.password });
  return browser.submit(entry, { user_code: typedCode });
}

/**
 * The user on the verification page: signs in, types the code as given (any case, with or without
 * the dash), and presses `action` on the consent page; returns the last page.
 */
export async function decideOnPage(
  browser: FormBrowser,
  user: { username: string; password: string } | null,
  typedCode: string,
  action: 'approve' | 'deny',
): Promise<Page> {
  let page = await browser.get('/device');
  if (user) {
    if (!page.body.includes('name="password"')) throw new Error(`expected the sign-in page, got ${page.status}:\n${page.body.slice(0, 400)}`);
    page = await browser.submit(page, { username: user.username, password: user.password });
  }
  page = await browser.submit(page, { user_code: typedCode });
  if (!page.body.includes('value="approve"')) throw new Error(`expected the consent page, got ${page.status}:\n${page.body.slice(0, 400)}`);
  return browser.submit(page, { action });
}
