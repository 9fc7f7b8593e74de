import { generateKeyPairSync } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import Provider from 'oidc-provider';
import { freePort } from './free-port';

/** An account of the upstream identity provider, with the claims it asserts about it. */
export interface UpstreamAccount {
  readonly password: string;
  readonly email?: string;
  readonly email_verified?: boolean;
  readonly name?: string;
}

export interface UpstreamIdp {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly accounts: Map<string, UpstreamAccount>;
  /** When set, the token endpoint's ID Token is altered by this function before it is sent (an attacker in the path). */
  tamperIdToken: ((idToken: string) => string) | null;
  /** When true, prompt and max_age are dropped from authorization requests: a provider that answers from its session regardless. */
  ignoreReauthentication: boolean;
  /** Seconds before now that its sign-in page records the authentication (the ID Token's auth_time); 0: now. */
  authenticatedSecondsAgo: number;
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage) =>
  new Promise<URLSearchParams>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString())));
  });

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * node-oidc-provider 9 in this process as the upstream OpenID Connect provider: one confidential
 * client (ours, redirecting to `redirectUris`), a sign-in page of its own for `accounts`, and
 * amr/acr in its ID Tokens.
 */
export async function startUpstreamIdp(redirectUris: readonly string[], postLogoutRedirectUris: readonly string[] = redirectUris): Promise<UpstreamIdp> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const accounts = new Map<string, UpstreamAccount>();
  const jwk = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig', kid: 'upstream' };
  const clientId = 'our-server';
  const clientSecret = 'upstream-client-secret-upstream-client-secret';
  const provider = new Provider(issuer, {
    jwks: { keys: [jwk] },
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [...redirectUris],
        post_logout_redirect_uris: [...postLogoutRedirectUris],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
    claims: { acr: null, amr: null, openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    acrValues: ['urn:example:loa:2'],
    // Our server reads the person from the ID Token (OpenID Connect Core §5.4 allows it there).
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true }, claimsParameter: { enabled: true } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx: unknown, id: string) => {
      const account = accounts.get(id);
      return account
        ? { accountId: id, claims: () => ({ sub: id, email: account.email, email_verified: account.email_verified, name: account.name }) }
        : undefined;
    },
  });
  provider.on('server_error', () => undefined);
  const callback = provider.callback();

  const interaction = async (req: IncomingMessage, res: ServerResponse) => {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!DOCTYPE html><title>Upstream sign-in</title><h1>Upstream IdP</h1>
<form method="post" action="/interaction/${escape(details.uid)}">
<label for="login">Upstream username</label><input id="login" name="login">
<label for="password">Upstream password</label><input id="password" name="password" type="password">
<button type="submit">Continue upstream</button></form>`);
      return;
    }
    const form = await readBody(req);
    const login = form.get('login') ?? '';
    if (accounts.get(login)?.password !== form.get('password')) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('wrong upstream password');
      return;
    }
    const grant = new provider.Grant({ accountId: login, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    grant.addOIDCClaims(['acr', 'amr']);
    await provider.interactionFinished(
      req,
      res,
      {
        login: { accountId: login, amr: ['pwd', 'otp'], acr: 'urn:example:loa:2', ts: Math.floor(Date.now() / 1000) - idp.authenticatedSecondsAgo },
        consent: { grantId: await grant.save() },
      },
      { mergeWithLastSubmission: false },
    );
  };

  const idp: UpstreamIdp = {
    issuer,
    clientId,
    clientSecret,
    accounts,
    tamperIdToken: null,
    ignoreReauthentication: false,
    authenticatedSecondsAgo: 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      interaction(req, res).catch((error: Error) => res.writeHead(500).end(error.message));
      return;
    }
    if (idp.ignoreReauthentication && req.url?.startsWith('/auth?')) {
      const url = new URL(req.url, issuer);
      url.searchParams.delete('prompt');
      url.searchParams.delete('max_age');
      req.url = `${url.pathname}${url.search}`;
    }
    const tamper = idp.tamperIdToken;
    if (tamper && req.url?.startsWith('/token')) {
      // Koa answers with one res.end(body): the ID Token is replaced there, the length unchanged.
      const end = res.end.bind(res) as (chunk: string | Buffer) => ServerResponse;
      res.end = ((chunk: string | Buffer) => {
        const body = JSON.parse(chunk.toString()) as { id_token?: string };
        if (body.id_token) body.id_token = tamper(body.id_token);
        return end(JSON.stringify(body));
      }) as ServerResponse['end'];
    }
    void callback(req, res);
  });
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return idp;
}

/** The same ID Token with one character of its signature changed: same length, no longer valid. */
export function flipSignatureCharacter(idToken: string): string {
  const [header, payload, signature] = idToken.split('.');
  const i = Math.floor(signature.length / 2);
  const flipped = signature[i] === 'A' ? 'B' : 'A';
  return `${header}.${payload}.${signature.slice(0, i)}${flipped}${signature.slice(i + 1)}`;
}
