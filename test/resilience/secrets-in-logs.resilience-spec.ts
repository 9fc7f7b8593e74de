import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { s256 } from '../../src/pkce/pkce';
import { createTestDatabase, TestDatabase, SERVER_DB } from '../support/databases';
import { basicAuth, tokenRequest } from '../support/factories';
import { FormBrowser } from '../support/form-browser';
import { ServerProcess, startServer } from '../support/server-process';

const ADMIN_PASSWORD = 'Logscan-Admin-Password-1';

/** A value shaped like a token, code or client secret (256 bits, base64url), unique to one place in the test. */
const credential = () => randomBytes(32).toString('base64url');

/**
 * Runs every flow against a server logging at its most verbose, then looks for every secret in its
 * output and in error bodies; secrets also go where clients put them by mistake (query strings,
 * unknown paths, refused bodies, headers).
 */
describe('no token, code, secret or password in any log line or error body', () => {
  let db: TestDatabase;
  let server: ServerProcess;
  const secrets: string[] = [ADMIN_PASSWORD];
  const errorBodies: string[] = [];
  /** Live credentials from the flows, sent again in the wrong places. */
  const live: { clientId?: string; clientSecret?: string; accessToken?: string; refreshToken?: string; code?: string; adminToken?: string } = {};

  beforeAll(async () => {
    db = await createTestDatabase(SERVER_DB);
    server = await startServer({ ...db.env, ADMIN_PASSWORD, LOG_LEVEL: 'verbose', LOGIN_MAX_FAILURES: '2' });
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  const keep = (res: request.Response) => {
    if (res.status >= 400) errorBodies.push(res.text);
    return res;
  };

  it('runs every flow, including failures', async () => {
    const admin = keep(
      await tokenRequest(server.url, { grant_type: 'password', client_id: 'admin-cli', username: 'admin', password: ADMIN_PASSWORD, scope: 'admin' }),
    ).body;
    secrets.push(admin.access_token, admin.refresh_token);
    const auth = `Bearer ${admin.access_token}`;
    const app = keep(
      await request(server.url)
        .post('/admin/applications')
        .set('Authorization', auth)
        .send({
          client_name: 'Logscan',
          redirect_uris: ['http://test.com'],
          grant_types: ['authorization_code', 'refresh_token', 'password', 'client_credentials'],
          scope: 'read',
        }),
    ).body;
    secrets.push(app.client_secret);
    const user = { username: 'logscan-user', password: 'Logscan-User-Password-2' };
    secrets.push(user.password);
    keep(await request(server.url).post('/admin/users').set('Authorization', auth).send(user));
    const basic = basicAuth(app.client_id, app.client_secret);

    const refresh = async (refreshToken: string) =>
      keep(
        await request(server.url).post('/token').set('Authorization', basic).type('form').send({ grant_type: 'refresh_token', refresh_token: refreshToken }),
      );
    // Password grant, refresh, introspect, revoke, /me.
    const tokens = keep(
      await request(server.url)
        .post('/oauth/token')
        .set('Authorization', basic)
        .type('form')
        .send({ grant_type: 'password', ...user }),
    ).body;
    secrets.push(tokens.access_token, tokens.refresh_token);
    const refreshed = (await refresh(tokens.refresh_token)).body;
    secrets.push(refreshed.access_token, refreshed.refresh_token);
    // The successor is used, so presenting the first refresh token again is reuse, not a retry.
    const renewed = (await refresh(refreshed.refresh_token)).body;
    secrets.push(renewed.access_token, renewed.refresh_token);
    await refresh(tokens.refresh_token);
    keep(await request(server.url).post('/oauth2/introspect').set('Authorization', basic).type('form').send({ token: refreshed.access_token }));
    keep(await request(server.url).post('/oauth2/revoke').set('Authorization', basic).type('form').send({ token: refreshed.access_token }));
    keep(await request(server.url).get('/me').set('Authorization', `Bearer ${refreshed.access_token}`));

    // Authorization code with PKCE through the pages, then a replay.
    const verifier = 'Logscan-Verifier-0123456789-abcdefghijklmnopqrstuv';
    secrets.push(verifier);
    const browser = new FormBrowser(server.url);
    const login = await browser.get(
      `/oauth2/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=http%3A%2F%2Ftest.com&code_challenge=${s256(verifier)}&code_challenge_method=S256`,
    );
    const wrong = await browser.submit(login, { username: user.username, password: 'Wrong-Password-3' });
    secrets.push('Wrong-Password-3');
    const consent = await browser.submit(wrong, { username: user.username, password: user.password });
    const done = await browser.submit(consent, { action: 'approve' });
    const code = new URL(done.location!).searchParams.get('code')!;
    secrets.push(code, ...browser.cookies.values());
    const exchanged = keep(
      await tokenRequest(server.url, { grant_type: 'authorization_code', code, redirect_uri: 'http://test.com', code_verifier: verifier }, basic),
    ).body;
    secrets.push(exchanged.access_token, exchanged.refresh_token);
    // Its tokens used, a second redemption of the code is a replay, not a retry.
    const used = (await refresh(exchanged.refresh_token)).body;
    secrets.push(used.access_token, used.refresh_token);
    keep(await tokenRequest(server.url, { grant_type: 'authorization_code', code, redirect_uri: 'http://test.com', code_verifier: verifier }, basic));

    // Failures: wrong client secret, wrong passwords until lockout, secret rotation.
    keep(await tokenRequest(server.url, { grant_type: 'client_credentials' }, basicAuth(app.client_id, 'Wrong-Secret-4')));
    secrets.push('Wrong-Secret-4');
    for (let i = 0; i < 3; i++)
      keep(
        await request(server.url)
          .post('/oauth/token')
          .set('Authorization', basic)
          .type('form')
          .send({ grant_type: 'password', username: user.username, password: 'Wrong-Password-5' }),
      );
    secrets.push('Wrong-Password-5');
    const rotated = keep(await request(server.url).post(`/admin/applications/${app.client_id}/secret`).set('Authorization', auth)).body;
    secrets.push(rotated.client_secret);
    keep(
      await request(server.url)
        .patch(`/admin/users/${(await request(server.url).get('/admin/users?search=logscan').set('Authorization', auth)).body.items[0].id}`)
        .set('Authorization', auth)
        .send({ password: 'Reset-Password-6' }),
    );
    secrets.push('Reset-Password-6');
    expect(errorBodies.length).toBeGreaterThan(5);
    Object.assign(live, {
      clientId: app.client_id,
      clientSecret: rotated.client_secret,
      accessToken: renewed.access_token,
      refreshToken: renewed.refresh_token,
      code,
      adminToken: admin.access_token,
    });
  });

  it('sends credentials where they do not belong: query strings, unknown paths, bodies of refused requests, headers', async () => {
    const { clientId, clientSecret, accessToken, refreshToken, code, adminToken } = live as Required<typeof live>;
    const fresh = Array.from({ length: 12 }, credential);
    const password = 'Misplaced-Password-7';
    secrets.push(...fresh, password);
    const [c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11] = fresh;
    const query = (values: Record<string, string>) => new URLSearchParams(values).toString();
    const send = async (pending: request.Test) => keep(await pending);
    const r = () => request(server.url);

    // Query strings, on unknown routes (Nest's "Cannot GET <url>") and on real ones.
    await send(r().get(`/invoke/pub.apigateway.oauth2/authorize?${query({ response_type: 'code', client_id: clientId, client_secret: clientSecret, code })}`));
    const unknownRoute = await send(r().put(`/invoke/pub.apigateway.oauth2/authorize?${query({ response_type: 'code', client_secret: clientSecret, code })}`));
    await send(r().get(`/oauth2/token?${query({ grant_type: 'password', username: 'logscan-user', password, access_token: accessToken })}`));
    await send(
      r()
        .post(`/oauth2/token?${query({ client_secret: c0, refresh_token: refreshToken })}`)
        .type('form')
        .send({ grant_type: 'refresh_token', refresh_token: c1 }),
    );
    await send(r().get(`/me?${query({ access_token: accessToken })}`));
    await send(
      r()
        .post(`/oauth2/revoke?${query({ token: c2 })}`)
        .set('Authorization', basicAuth(clientId, clientSecret))
        .type('form')
        .send({}),
    );
    await send(r().get(`/oauth2/authorize?${query({ response_type: 'code', client_id: 'no-such-client', state: c3, client_secret: c4 })}`));
    await send(r().get(`/oauth2/authorize?${query({ response_type: 'code', client_id: clientId, redirect_uri: 'http://test.com', prompt: c5 })}`));
    // Unknown paths whose segments carry credentials, a malformed one included.
    await send(r().delete(`/oauth2/authorize/${accessToken}`));
    await send(r().get(`/no/such/${c6}/path?${query({ password })}`));
    await send(r().get(`/%zz/${c7}?${query({ token: c7 })}`));
    await send(r().patch(`/admin/applications/${c8}`).set('Authorization', `Bearer ${adminToken}`).send({ client_name: 'x' }));
    // Bodies of refused requests: malformed JSON, an unknown grant, no credentials, too large, nowhere.
    await send(
      r().post('/oauth2/token').set('Content-Type', 'application/json').send(`{"grant_type":"password","password":"${password}","client_secret":"${c9}"`),
    );
    await send(
      r()
        .post('/oauth2/token')
        .type('form')
        .send({ grant_type: 'urn:nope', client_id: clientId, client_secret: clientSecret, refresh_token: refreshToken, code }),
    );
    await send(r().post('/admin/users').send({ username: 'nobody', password }));
    await send(
      r()
        .post('/oauth2/token')
        .type('form')
        .send({ grant_type: 'client_credentials', client_secret: c10, padding: 'x'.repeat(70_000) }),
    );
    await send(r().post('/nowhere').send({ client_secret: clientSecret, access_token: accessToken }));
    // Headers: bearer and basic credentials that fail, a session cookie, on known and unknown routes.
    await send(r().get('/nowhere').set('Authorization', `Bearer ${accessToken}`).set('Cookie', `oauth_session=${c11}`));
    await send(r().get('/me').set('Authorization', `Bearer ${c11}`));
    await send(r().post('/oauth2/introspect').set('Authorization', basicAuth(clientId, c10)).type('form').send({ token: refreshToken }));
    await send(
      r()
        .get('/admin/applications')
        .set('Authorization', `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`),
    );

    // A 405 names the methods the path takes, never its URL, so nothing a client put in one comes back.
    expect(unknownRoute.body).toEqual({
      error: 'method_not_allowed',
      error_description: 'this endpoint accepts GET, HEAD, POST',
      request_id: expect.any(String),
    });
  });

  it('enrols an authenticator app, then signs in with a code, a wrong code and a recovery code', async () => {
    const totp = (secret: string) => execFileSync('oathtool', ['--totp', '-b', secret], { encoding: 'utf8' }).trim();
    // A user of its own: the flows above locked logscan-user out on purpose.
    const person = { username: 'logscan-totp', password: 'Logscan-Totp-Password-7' };
    secrets.push(person.password);
    keep(await request(server.url).post('/admin/users').set('Authorization', `Bearer ${live.adminToken}`).send(person));
    const browser = new FormBrowser(server.url);
    const signedIn = await browser.submit(await browser.get('/account/security'), person);
    const start = [...signedIn.body.matchAll(/<form[^>]*>[\s\S]*?<\/form>/g)].map((m) => m[0]).find((f) => f.includes('value="start_totp"'))!;
    const enrol = await browser.submit({ ...signedIn, body: start }, {});
    const secret = new URL(/otpauth:\/\/totp\/[^<"]+/.exec(enrol.body.replace(/&#38;/g, '&'))![0]).searchParams.get('secret')!;
    const code = totp(secret);
    const added = await browser.submit(enrol, { code, name: 'Logscan phone' });
    const recovery = [...added.body.matchAll(/<li><code>([a-z2-7-]{19})<\/code><\/li>/g)].map((m) => m[1]);
    expect(recovery).toHaveLength(10);
    secrets.push(secret, code, ...recovery);
    // A second browser: the password, then a wrong code (refused) and a recovery code.
    const other = new FormBrowser(server.url);
    const codePage = await other.submit(await other.get('/account/security'), person);
    const wrong = code === '000000' ? '111111' : '000000';
    secrets.push(wrong);
    errorBodies.push((await other.submit(codePage, { code: wrong })).body);
    const unlocked = await other.submit(codePage, { code: recovery[0] });
    expect(unlocked.body).toContain('Logscan phone');
    secrets.push(...other.cookies.values(), ...browser.cookies.values());
  });

  it('finds none of them in the server output or in any error body', async () => {
    await server.stop();
    const output = server.logs();
    expect(output.length).toBeGreaterThan(1000); // verbose logging really happened
    const sent = secrets.filter(Boolean);
    expect(sent.length).toBeGreaterThan(30);
    // Each secret found is named with the line it was found in.
    const lines = output.split('\n');
    expect(sent.flatMap((secret) => lines.filter((line) => line.includes(secret)).map((line) => ({ secret, line })))).toEqual([]);
    expect(sent.filter((secret) => errorBodies.some((b) => b.includes(secret)))).toEqual([]);
  });
});
