import request from 'supertest';
import type { TestApp } from '../support/create-test-app';
import { TEST_DB } from '../support/databases';
import { appWithClient, basicAuth, createClient, TestClient } from '../support/factories';

describe(`token endpoint errors (RFC 6749 §5.2) [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestClient;

  beforeAll(async () => ({ t, client } = await appWithClient()));
  afterAll(() => t.close());

  const token = () => request(t.url).post('/oauth2/token');

  it.each([
    ['a wrong secret', () => basicAuth(client.clientId, 'wrong')],
    ['an unknown client id', () => basicAuth('unknown', client.clientSecret!)],
    ['an empty secret', () => basicAuth(client.clientId, '')],
    // Client ids match exactly on every database (MySQL's case-insensitive collation must not widen it).
    ['the client id in another case', () => basicAuth(client.clientId.toUpperCase(), client.clientSecret!)],
  ])('answers invalid_client 401 with WWW-Authenticate: Basic for %s', async (_name, auth) => {
    const res = await token().set('Authorization', auth()).type('form').send({ grant_type: 'client_credentials' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_client', error_description: 'client authentication failed', request_id: expect.any(String) });
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers invalid_client without any client authentication', async () => {
    const res = await token().type('form').send({ grant_type: 'client_credentials' });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('refuses a disabled client', async () => {
    const disabled = await createClient(t, { enabled: false });
    const res = await token().set('Authorization', disabled.basic).type('form').send({ grant_type: 'client_credentials' });
    expect(res.status).toBe(401);
  });

  it('refuses a confidential client that sends no secret (auth method none)', async () => {
    const res = await token().type('form').send({ grant_type: 'client_credentials', client_id: client.clientId });
    expect(res.status).toBe(401);
  });

  it('refuses a public client that presents a secret', async () => {
    const pub = await createClient(t, { tokenEndpointAuthMethod: 'none' });
    const res = await token().type('form').send({ grant_type: 'password', client_id: pub.clientId, client_secret: 'x', username: 'a', password: 'b' });
    expect(res.status).toBe(401);
  });

  it('refuses two authentication methods in one request with invalid_request', async () => {
    const res = await token().set('Authorization', client.basic).type('form').send({ grant_type: 'client_credentials', client_secret: client.clientSecret });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('answers unsupported_grant_type for an unknown grant', async () => {
    const res = await token().set('Authorization', client.basic).type('form').send({ grant_type: 'implicit' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unsupported_grant_type');
  });

  it('answers invalid_request for a missing grant_type', async () => {
    const res = await token().set('Authorization', client.basic).type('form').send({ scope: 'read' });
    expect(res.body.error).toBe('invalid_request');
  });

  it('answers invalid_request for a repeated parameter (RFC 6749 §3.2)', async () => {
    const res = await token().set('Authorization', client.basic).type('form').send('grant_type=client_credentials&scope=read&scope=write');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('ignores unknown parameters (RFC 6749 §3.2)', async () => {
    const res = await token().set('Authorization', client.basic).type('form').send({ grant_type: 'client_credentials', foo: 'bar' });
    expect(res.status).toBe(200);
  });

  it.each([
    ['invalid JSON', 'application/json', '{"grant_type":'],
    ['a JSON array', 'application/json', '["grant_type"]'],
    ['a JSON grant_type that is a number', 'application/json', '{"grant_type":5}'],
    ['a JSON parameter that is an object', 'application/json', '{"grant_type":"password","username":{"a":1},"password":"x"}'],
    ['a body of an unsupported content type', 'text/plain', 'grant_type=client_credentials'],
  ])('answers 400 invalid_request, never 500, for %s', async (_name, contentType, body) => {
    const res = await token().set('Authorization', client.basic).set('Content-Type', contentType).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('answers 413 invalid_request for an oversized body', async () => {
    const res = await token()
      .set('Authorization', client.basic)
      .type('form')
      .send({ grant_type: 'client_credentials', scope: 'x'.repeat(100_000) });
    expect(res.status).toBe(413);
    expect(res.body.error).toBe('invalid_request');
  });

  it('answers a JSON 404 for an unknown route that repeats neither its path nor its query string', async () => {
    const res = await request(t.url).get('/nope/a-path-token?client_secret=a-query-secret');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'not_found', error_description: 'no such endpoint', request_id: expect.any(String) });
  });

  it('reads an empty JSON body as no parameters, not as a parse error', async () => {
    const res = await token().set('Authorization', client.basic).set('Content-Type', 'application/json').send('');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'grant_type is required', request_id: expect.any(String) });
  });

  it('answers a malformed percent-encoding in the path with RFC 6749 JSON and no-store', async () => {
    const res = await request(t.url).get('/oauth2/token%zz');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'malformed URL', request_id: expect.any(String) });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe(`JSON nulls where strings are expected [${TEST_DB}]`, () => {
  let t: TestApp;
  let client: TestClient;

  beforeAll(async () => ({ t, client } = await appWithClient()));
  afterAll(() => t.close());

  it.each([
    [{ grant_type: 'password', username: 'a', password: 'b', scope: null }],
    [{ grant_type: 'client_credentials', scope: null }],
    [{ grant_type: 'authorization_code', code: 'x', code_verifier: null }],
    [{ grant_type: 'refresh_token', refresh_token: 'x', scope: null }],
  ])('answers invalid_request for %j', async (body) => {
    const res = await request(t.url).post('/invoke/pub.apigateway.oauth2/getAccessToken').set('Authorization', client.basic).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });
});
