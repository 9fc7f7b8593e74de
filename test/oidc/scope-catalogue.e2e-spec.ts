import request from 'supertest';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { AdminApi, appWithAdminApi } from '../support/admin';
import { FormBrowser } from '../support/form-browser';

describe(`scope catalogue [${TEST_DB}]`, () => {
  let t: TestApp;
  let api: AdminApi;

  beforeAll(async () => ({ t, api } = await appWithAdminApi()));
  afterAll(() => t.close());

  const admin = () => api;

  it('shows a catalogued scope on the consent page by its description, and an uncatalogued one by its name', async () => {
    expect((await admin().post('/admin/scopes', { name: 'orders:read', description: 'See your orders' })).status).toBe(201);
    const app = (await admin().post('/admin/applications', { client_name: 'Shop', redirect_uris: ['https://shop.example/cb'], scope: 'orders:read reports' }))
      .body;
    await admin().post('/admin/users', { username: 'nia', password: 'nia-password' });
    const browser = new FormBrowser(t.url);
    const login = await browser.get(
      `/oauth2/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=${encodeURIComponent('https://shop.example/cb')}&scope=${encodeURIComponent('orders:read reports')}`,
    );
    const consent = await browser.submit(login, { username: 'nia', password: 'nia-password' });
    expect(consent.body).toContain('<li>See your orders <code>orders:read</code></li>');
    expect(consent.body).toContain('<li><code>reports</code></li>');
  });

  it('lists, changes and removes entries, says which claims a scope maps to, and refuses bad input', async () => {
    await admin().post('/admin/scopes', { name: 'email', description: 'Your e-mail address' });
    const list = (await admin().get('/admin/scopes')).body as { name: string; claims: string[] }[];
    expect(list.find((s) => s.name === 'email')!.claims).toEqual(['email', 'email_verified']);
    expect(list.find((s) => s.name === 'orders:read')!.claims).toEqual([]);
    expect((await admin().patch('/admin/scopes/email', { description: 'Your address' })).body.description).toBe('Your address');
    expect((await admin().post('/admin/scopes', { name: 'email', description: 'again' })).status).toBe(409);
    expect((await admin().post('/admin/scopes', { name: 'two words', description: 'x' })).status).toBe(400);
    expect((await admin().post('/admin/scopes', { name: 'x', description: 'y', claims: ['sub'] })).status).toBe(400);
    expect((await admin().delete('/admin/scopes/email')).status).toBe(204);
    expect((await admin().delete('/admin/scopes/email')).status).toBe(404);
    expect((await request(t.url).get('/admin/scopes')).status).toBe(401);
  });
});
