import request from 'supertest';
import { s256 } from '../../src/pkce/pkce';
import { createTestDatabase, TestDatabase } from '../support/databases';
import { basicAuth } from '../support/factories';
import { FormBrowser } from '../support/form-browser';
import { ServerProcess, startServer } from '../support/server-process';

const ADMIN_PASSWORD = 'Logscan-Admin-Password-1';

/** Runs every flow against a server logging at its most verbose, then looks for every secret in its output and in error bodies. */
describe('no token, code, secret or password in any log line or error body', () => {
  let db: TestDatabase;
  let server: ServerProcess;
  const secrets: string[] = [ADMIN_PASSWORD];
  const errorBodies: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('mysql');
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
      await request(server.url)
        .post('/oauth2/token')
        .type('form')
        .send({ grant_type: 'password', client_id: 'admin-cli', username: 'admin', password: ADMIN_PASSWORD, scope: 'admin' }),
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
      await request(server.url)
        .post('/oauth2/token')
        .set('Authorization', basic)
        .type('form')
        .send({ grant_type: 'authorization_code', code, redirect_uri: 'http://test.com', code_verifier: verifier }),
    ).body;
    secrets.push(exchanged.access_token, exchanged.refresh_token);
    // Its tokens used, a second redemption of the code is a replay, not a retry.
    const used = (await refresh(exchanged.refresh_token)).body;
    secrets.push(used.access_token, used.refresh_token);
    keep(
      await request(server.url)
        .post('/oauth2/token')
        .set('Authorization', basic)
        .type('form')
        .send({ grant_type: 'authorization_code', code, redirect_uri: 'http://test.com', code_verifier: verifier }),
    );

    // Failures: wrong client secret, wrong passwords until lockout, secret rotation.
    keep(
      await request(server.url)
        .post('/oauth2/token')
        .set('Authorization', basicAuth(app.client_id, 'Wrong-Secret-4'))
        .type('form')
        .send({ grant_type: 'client_credentials' }),
    );
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
  });

  it('finds none of them in the server output or in any error body', async () => {
    await server.stop();
    const output = server.logs();
    expect(output.length).toBeGreaterThan(1000); // verbose logging really happened
    for (const secret of secrets.filter(Boolean)) {
      expect({ secret, inLogs: output.includes(secret) }).toEqual({ secret, inLogs: false });
      expect({ secret, inErrors: errorBodies.some((b) => b.includes(secret)) }).toEqual({ secret, inErrors: false });
    }
  });
});
