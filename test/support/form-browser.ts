/**
 * A minimal browser for the server-rendered login and consent pages: a cookie jar, manual
 * redirects, and form submission with the page's hidden fields (CSRF token included).
 */
export interface Page {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
  readonly location: string | null;
}

export interface ParsedForm {
  readonly action: string;
  readonly fields: Record<string, string>;
}

const decodeEntities = (value: string) => value.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');

export function parseForm(html: string): ParsedForm {
  const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error(`no form in page:\n${html.slice(0, 500)}`);
  const fields: Record<string, string> = {};
  for (const input of form[2].matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields[decodeEntities(input[1])] = decodeEntities(input[2]);
  }
  return { action: decodeEntities(form[1]), fields };
}

export class FormBrowser {
  readonly cookies = new Map<string, string>();

  /** `headers` go with every request, e.g. X-Forwarded-Proto from a TLS-terminating proxy. */
  constructor(
    readonly baseUrl: string,
    readonly headers: Record<string, string> = {},
  ) {}

  async get(pathOrUrl: string): Promise<Page> {
    return this.request(pathOrUrl, { method: 'GET' });
  }

  async post(path: string, fields: Record<string, string>): Promise<Page> {
    return this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** Submits the page's form with its hidden fields plus `extra` (e.g. username, action=approve). */
  async submit(page: Page, extra: Record<string, string>): Promise<Page> {
    const form = parseForm(page.body);
    return this.post(form.action, { ...form.fields, ...extra });
  }

  private async request(pathOrUrl: string, init: RequestInit): Promise<Page> {
    const url = new URL(pathOrUrl, this.baseUrl);
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...this.headers, ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return { status: response.status, headers: response.headers, body: await response.text(), location: response.headers.get('location') };
  }
}

/** Runs login (if asked) and consent and returns the redirect location. */
export async function approveAuthorization(browser: FormBrowser, authorizeUrl: string, user?: { username: string; password: string }): Promise<URL> {
  let page = await browser.get(authorizeUrl);
  if (page.status === 200 && page.body.includes('name="password"')) {
    if (!user) throw new Error('login page shown but no user given');
    page = await browser.submit(page, { username: user.username, password: user.password });
  }
  if (page.status === 200 && page.body.includes('value="approve"')) {
    page = await browser.submit(page, { action: 'approve' });
  }
  if (page.status !== 302 || !page.location) throw new Error(`expected a redirect, got ${page.status}:\n${page.body.slice(0, 400)}`);
  return new URL(page.location);
}
