/** Server-rendered pages of the authorization endpoint: plain, accessible HTML, no external assets. */

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Content-Security-Policy of these pages: nothing loads, nothing frames them (clickjacking). */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

/** PAGE_CSP that also lets the page load images from `imageOrigin` alone (a client's logo, see clientLogo). */
export function pageCsp(imageOrigin?: string): string {
  return imageOrigin ? `${PAGE_CSP}; img-src ${imageOrigin}` : PAGE_CSP;
}

/** The CSP of a page with a passkey form: also our own script (/assets/passkeys.js) and its fetch of /passkeys/options. */
export const PASSKEY_PAGE_CSP = `${PAGE_CSP}; script-src 'self'; connect-src 'self'`;

const PASSKEY_SCRIPT_TAG = '<script src="/assets/passkeys.js" defer></script>';

/**
 * A form that runs a passkey ceremony (views/passkeys-script.ts): hidden until the script finds
 * WebAuthn, posting `fields` and the credential's JSON in `field`.
 */
function passkeyForm(action: string, ceremony: string, fields: Record<string, string | undefined>, field: string, inner: string): string {
  return `<form method="post" action="${escapeHtml(action)}" data-passkey="${ceremony}" data-field="${field}" hidden>
${hiddenFields({ ...fields, [field]: '' })}
${inner}
<p class="error" role="alert" data-passkey-error hidden></p>
</form>
${PASSKEY_SCRIPT_TAG}`;
}

const STYLE = `
  *{box-sizing:border-box} body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1d2330}
  main{max-width:26rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
  h1{font-size:1.35rem;margin:0 0 1rem} label{display:block;font-weight:600;margin:.75rem 0 .25rem}
  input[type=text],input[type=password]{width:100%;padding:.6rem;border:1px solid #8a93a6;border-radius:4px;font-size:1rem}
  button{font-size:1rem;padding:.65rem 1.2rem;border-radius:4px;border:1px solid #1f4fd1;cursor:pointer;margin-top:1rem}
  .primary{background:#1f4fd1;color:#fff} .secondary{background:#fff;color:#1f4fd1}
  .actions{display:flex;gap:.75rem;flex-wrap:wrap} .error{background:#fdecea;color:#8a1c12;padding:.6rem;border-radius:4px}
  ul{padding-left:1.25rem} code{background:#eef0f4;padding:0 .25rem;border-radius:3px}
  .brand{margin:0 0 .75rem;color:#4a5468;font-weight:600;letter-spacing:.02em}
  .client-logo{display:block;width:4rem;height:4rem;object-fit:contain;margin:0 0 .5rem}
  .client-host strong{font-size:1.15rem;word-break:break-all}
  table{width:100%;border-collapse:collapse;font-size:.9rem} th,td{text-align:left;padding:.3rem .4rem .3rem 0;border-bottom:1px solid #dde1e8;vertical-align:top}
  td{overflow-wrap:anywhere}
  @media (max-width:30rem){main{margin:0;border-radius:0;min-height:100vh}}`;

function layout(brand: string, title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · ${escapeHtml(brand)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<p class="brand">${escapeHtml(brand)}</p>
${body}
</main>
</body>
</html>`;
}

function hiddenFields(fields: Record<string, string | undefined>): string {
  return Object.entries(fields)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
}

export interface FormPageInput {
  /** Path the form posts to (the route the browser is on). */
  readonly action: string;
  readonly hidden: Record<string, string | undefined>;
  /** The application asking; absent on the account pages. */
  readonly clientName?: string;
}

/** One small form per upstream identity provider, posting the same hidden fields with its id. */
function upstreamButtons(input: FormPageInput & { readonly upstream?: readonly { id: string; displayName: string }[] }): string {
  if (!input.upstream?.length) return '';
  const forms = input.upstream.map(
    (p) => `<form method="post" action="${escapeHtml(input.action)}">
${hiddenFields({ ...input.hidden, action: 'upstream', provider: p.id })}
<button type="submit" class="secondary">Sign in with ${escapeHtml(p.displayName)}</button>
</form>`,
  );
  return `\n<div class="actions upstream">\n${forms.join('\n')}\n</div>`;
}

export interface AccountConsent {
  readonly id: string;
  readonly clientName: string;
  readonly scopes: readonly string[];
}

/** The pages, each carrying the product name (BRAND_NAME) in its title and heading. */
export class Pages {
  constructor(private readonly brand: string) {}

  login(
    input: FormPageInput & {
      readonly error?: string;
      readonly username?: string;
      readonly upstream?: readonly { id: string; displayName: string }[];
      /** Offer "Use a passkey" (no username: a discoverable credential). Send with PASSKEY_PAGE_CSP. */
      readonly passkey?: boolean;
    },
  ): string {
    const error = input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : '';
    const intro = input.clientName
      ? `<strong>${escapeHtml(input.clientName)}</strong> wants to access your account.`
      : 'Sign in to see and withdraw the access you have given to applications.';
    return layout(
      this.brand,
      'Sign in',
      `<h1>Sign in</h1>
<p>${intro}</p>
${error}
<form method="post" action="${escapeHtml(input.action)}">
${hiddenFields({ ...input.hidden, action: 'login' })}
<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" required value="${escapeHtml(input.username ?? '')}">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit" class="primary">Sign in</button>
</form>${input.passkey ? `\n${passkeyForm(input.action, 'login', { ...input.hidden, action: 'passkey' }, 'credential', '<button type="submit" class="secondary">Use a passkey</button>')}` : ''}${upstreamButtons(input)}`,
    );
  }

  consent(
    input: FormPageInput & {
      readonly clientName: string;
      /** The host that vouches for the client (a Client ID Metadata Document's): the one name a user can check. */
      readonly clientHost?: string;
      /** The client's logo, already checked (clientLogo); the page's CSP must allow its origin. */
      readonly logoSrc?: string;
      readonly username: string;
      /** A device's user code, shown so the user can compare it with the device's screen (RFC 8628 §5.4). */
      readonly userCode?: string;
      readonly scopes: readonly { name: string; description?: string }[];
    },
  ): string {
    // A catalogued scope reads as its description; the raw name stays visible for the curious.
    const scopes = input.scopes.length
      ? `<ul>${input.scopes
          .map((s) =>
            s.description ? `<li>${escapeHtml(s.description)} <code>${escapeHtml(s.name)}</code></li>` : `<li><code>${escapeHtml(s.name)}</code></li>`,
          )
          .join('')}</ul>`
      : '<p>No specific permissions.</p>';
    return layout(
      this.brand,
      'Authorize access',
      `${input.logoSrc ? `<img class="client-logo" src="${escapeHtml(input.logoSrc)}" alt="" width="64" height="64">\n` : ''}<h1>Authorize ${escapeHtml(input.clientName)}</h1>
${input.clientHost ? `<p class="client-host">This application is run by <strong>${escapeHtml(input.clientHost)}</strong>. Approve only if you trust that site.</p>\n` : ''}<p>Signed in as <strong>${escapeHtml(input.username)}</strong>.</p>
${input.userCode ? `<p class="user-code">Check that your device shows this code: <strong><code>${escapeHtml(input.userCode)}</code></strong>. If it does not, deny.</p>\n` : ''}<p><strong>${escapeHtml(input.clientName)}</strong> asks for these permissions:</p>
${scopes}
<form method="post" action="${escapeHtml(input.action)}">
${hiddenFields(input.hidden)}
<div class="actions">
<button type="submit" name="action" value="approve" class="primary">Approve</button>
<button type="submit" name="action" value="deny" class="secondary">Deny</button>
</div>
</form>`,
    );
  }

  accountConsents(input: {
    readonly action: string;
    readonly csrfToken: string;
    readonly username: string;
    readonly consents: readonly AccountConsent[];
    /** The user's OpenID Connect claims that have a value (what approved applications may receive), as [claim, text]. */
    readonly profile?: readonly (readonly [string, string])[];
    /** The user's latest sign-ins from the audit trail, newest first: epoch seconds, RFC 8176 methods, IP address. */
    readonly signIns?: readonly { readonly at: number; readonly method: string; readonly ip: string | null }[];
    readonly notice?: string;
  }): string {
    const notice = input.notice ? `<p role="status">${escapeHtml(input.notice)}</p>` : '';
    const items = input.consents.length
      ? `<ul>${input.consents
          .map(
            (
              c,
            ) => `<li><strong>${escapeHtml(c.clientName)}</strong>: ${c.scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(' ') || 'no specific permissions'}
<form method="post" action="${escapeHtml(input.action)}">
${hiddenFields({ csrf_token: input.csrfToken, action: 'revoke', consent_id: c.id })}
<button type="submit" class="secondary" aria-label="Revoke access of ${escapeHtml(c.clientName)}">Revoke</button>
</form></li>`,
          )
          .join('\n')}</ul>`
      : '<p>You have not given any application access.</p>';
    const profile = input.profile?.length
      ? `<h2>Your profile</h2>
<p>What the applications you approve may receive, by scope. Ask an administrator to change it.</p>
<dl>${input.profile.map(([claim, text]) => `<dt><code>${escapeHtml(claim)}</code></dt><dd>${escapeHtml(text)}</dd>`).join('')}</dl>`
      : '';
    const signIns = input.signIns?.length
      ? `<h2 id="recent-sign-ins">Recent sign-ins</h2>
<p>If one of these was not you, change your password and tell an administrator.</p>
<table class="sign-ins" aria-labelledby="recent-sign-ins">
<thead><tr><th scope="col">Time (UTC)</th><th scope="col">Method</th><th scope="col">IP address</th></tr></thead>
<tbody>${input.signIns
          .map(
            (s) =>
              `<tr><td>${escapeHtml(new Date(s.at * 1000).toISOString().slice(0, 16).replace('T', ' '))}</td><td><code>${escapeHtml(s.method)}</code></td><td>${escapeHtml(s.ip ?? 'unknown')}</td></tr>`,
          )
          .join('\n')}</tbody>
</table>`
      : '';
    return layout(
      this.brand,
      'Your approved applications',
      `<h1>Your approved applications</h1>
<p>Signed in as <strong>${escapeHtml(input.username)}</strong>.</p>
${notice}
${items}
${profile}
${signIns}
<p><a href="/account/security">Sign-in security: authenticator apps and recovery codes</a></p>
<form method="post" action="/oauth2/logout">
${hiddenFields({ csrf_token: input.csrfToken, action: 'logout' })}
<button type="submit" class="secondary">Sign out</button>
</form>`,
    );
  }

  /** The second step of a sign-in (or a step-up): a code from the authenticator app or a recovery code. */
  secondFactor(
    input: FormPageInput & {
      readonly username: string;
      readonly error?: string;
      /** Offer the user's passkey instead of a code. Send with PASSKEY_PAGE_CSP. */
      readonly passkey?: boolean;
    },
  ): string {
    const error = input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : '';
    const intro = input.clientName ? `<strong>${escapeHtml(input.clientName)}</strong> asks you to confirm it is you.` : 'Confirm it is you to continue.';
    return layout(
      this.brand,
      'Enter your code',
      `<h1>Enter your code</h1>
<p>Signed in as <strong>${escapeHtml(input.username)}</strong>. ${intro}</p>
${error}
<form method="post" action="${escapeHtml(input.action)}">
${hiddenFields({ ...input.hidden, action: 'second_factor' })}
<label for="code">Code from your authenticator app, or a recovery code</label>
<input type="text" id="code" name="code" autocomplete="one-time-code" autocapitalize="none" spellcheck="false" required maxlength="32">
<button type="submit" class="primary">Verify</button>
</form>${input.passkey ? `\n${passkeyForm(input.action, 'second_factor', { ...input.hidden, action: 'second_factor' }, 'code', '<button type="submit" class="secondary">Use a passkey</button>')}` : ''}`,
    );
  }

  /**
   * Enrolling an authenticator app: the QR code (an inline SVG, nothing loaded) and, for those who
   * cannot scan, the secret and the otpauth:// URI; then a first code confirms it.
   */
  enrolTotp(
    input: FormPageInput & {
      readonly username: string;
      readonly secret: string;
      readonly uri: string;
      readonly qrSvg: string;
      readonly error?: string;
      readonly required?: boolean;
    },
  ): string {
    const error = input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : '';
    const why = input.required
      ? `<p>${input.clientName ? `<strong>${escapeHtml(input.clientName)}</strong> requires` : 'Your account requires'} a second sign-in factor.</p>`
      : '';
    return layout(
      this.brand,
      'Set up your authenticator app',
      `<h1>Set up your authenticator app</h1>
<p>Signed in as <strong>${escapeHtml(input.username)}</strong>.</p>
${why}
${error}
<p>Scan this QR code with an authenticator app, or enter the key by hand.</p>
<figure style="margin:0;max-width:14rem">${input.qrSvg}</figure>
<p>Key: <code>${escapeHtml(input.secret.replace(/(.{4})/g, '$1 ').trim())}</code></p>
<details><summary>Key URI</summary><p><code style="word-break:break-all">${escapeHtml(input.uri)}</code></p></details>
<form method="post" action="${escapeHtml(input.action)}">
${hiddenFields({ ...input.hidden, action: 'enrol_totp' })}
<label for="name">Name of this authenticator</label>
<input type="text" id="name" name="name" maxlength="100" value="Authenticator app">
<label for="code">Code shown by the app</label>
<input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required maxlength="6">
<button type="submit" class="primary">Confirm</button>
</form>`,
    );
  }

  /** Recovery codes, shown this once: only their hashes are kept. */
  recoveryCodes(input: FormPageInput & { readonly codes: readonly string[]; readonly continueLabel: string }): string {
    return layout(
      this.brand,
      'Your recovery codes',
      `<h1>Your recovery codes</h1>
<p>Keep these codes somewhere safe. Each signs you in once if you lose your authenticator app. They are shown only now.</p>
<ul>${input.codes.map((code) => `<li><code>${escapeHtml(code)}</code></li>`).join('')}</ul>
<form method="post" action="${escapeHtml(input.action)}">
${hiddenFields(input.hidden)}
<button type="submit" class="primary">${escapeHtml(input.continueLabel)}</button>
</form>`,
    );
  }

  /** The account's sign-in factors: authenticator apps (remove, add) and recovery codes (regenerate). */
  accountSecurity(input: {
    readonly action: string;
    readonly csrfToken: string;
    readonly username: string;
    readonly factors: readonly { readonly id: string; readonly name: string; readonly createdAt: number }[];
    readonly recoveryCodesRemaining: number;
    readonly notice?: string;
    /** The user's passkeys (named, each renamed or removed here), and a form to add one. Send with PASSKEY_PAGE_CSP. */
    readonly passkeys?: readonly {
      readonly id: string;
      readonly name: string;
      readonly createdAt: number;
      readonly lastUsedAt: number | null;
      readonly backupEligible: boolean;
    }[];
  }): string {
    const notice = input.notice ? `<p role="status">${escapeHtml(input.notice)}</p>` : '';
    const form = (fields: Record<string, string>, label: string, aria?: string) =>
      `<form method="post" action="${escapeHtml(input.action)}">
${hiddenFields({ csrf_token: input.csrfToken, ...fields })}
<button type="submit" class="secondary"${aria ? ` aria-label="${escapeHtml(aria)}"` : ''}>${escapeHtml(label)}</button>
</form>`;
    const apps = input.factors.length
      ? `<ul>${input.factors
          .map(
            (f) => `<li><strong>${escapeHtml(f.name)}</strong>, added ${new Date(f.createdAt * 1000).toISOString().slice(0, 10)}
${form({ action: 'remove', factor_id: f.id }, 'Remove', `Remove ${f.name}`)}</li>`,
          )
          .join('\n')}</ul>`
      : '<p>No authenticator app is set up: you sign in with your password alone.</p>';
    const passkeys = input.passkeys ? this.passkeySection(input.action, input.csrfToken, input.passkeys) : '';
    const recovery =
      input.factors.length || input.passkeys?.length
        ? `<h2>Recovery codes</h2>
<p>${input.recoveryCodesRemaining} unused recovery code${input.recoveryCodesRemaining === 1 ? '' : 's'} left.</p>
${form({ action: 'regenerate' }, 'Make new recovery codes')}`
        : '';
    return layout(
      this.brand,
      'Sign-in security',
      `<h1>Sign-in security</h1>
<p>Signed in as <strong>${escapeHtml(input.username)}</strong>.</p>
${notice}
<h2>Authenticator apps</h2>
${apps}
${form({ action: 'start_totp' }, 'Add an authenticator app')}
${passkeys}${recovery}
<p><a href="/account/consents">Your approved applications</a></p>`,
    );
  }

  /** The passkeys section of the account page: each with its name (a form renames it) and a Remove button; then "Add a passkey". */
  private passkeySection(
    action: string,
    csrfToken: string,
    passkeys: readonly {
      readonly id: string;
      readonly name: string;
      readonly createdAt: number;
      readonly lastUsedAt: number | null;
      readonly backupEligible: boolean;
    }[],
  ): string {
    const day = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);
    const items = passkeys.length
      ? `<ul>${passkeys
          .map(
            (
              p,
              i,
            ) => `<li><strong>${escapeHtml(p.name)}</strong> (${p.backupEligible ? 'synced' : 'this device only'}), added ${day(p.createdAt)}${p.lastUsedAt ? `, last used ${day(p.lastUsedAt)}` : ''}
<form method="post" action="${escapeHtml(action)}">
${hiddenFields({ csrf_token: csrfToken, action: 'rename_passkey', factor_id: p.id })}
<label for="passkey-name-${i}">New name for ${escapeHtml(p.name)}</label>
<input type="text" id="passkey-name-${i}" name="name" maxlength="100" required value="${escapeHtml(p.name)}">
<button type="submit" class="secondary">Rename</button>
</form>
<form method="post" action="${escapeHtml(action)}">
${hiddenFields({ csrf_token: csrfToken, action: 'remove', factor_id: p.id })}
<button type="submit" class="secondary" aria-label="Remove ${escapeHtml(p.name)}">Remove</button>
</form></li>`,
          )
          .join('\n')}</ul>`
      : '<p>No passkey is set up.</p>';
    return `<h2>Passkeys</h2>
${items}
${passkeyForm(
  action,
  'register',
  { csrf_token: csrfToken, action: 'add_passkey' },
  'credential',
  `<label for="passkey-name">Name of the new passkey</label>
<input type="text" id="passkey-name" name="name" maxlength="100" required value="Passkey">
<button type="submit" class="secondary">Add a passkey</button>`,
)}
`;
  }

  /** RP-Initiated Logout: asked when the request does not prove which application sent it (no valid id_token_hint). */
  logoutConfirm(input: { readonly action: string; readonly hidden: Record<string, string | undefined>; readonly clientName?: string }): string {
    const from = input.clientName ? ` requested by <strong>${escapeHtml(input.clientName)}</strong>` : '';
    return layout(
      this.brand,
      'Sign out',
      `<h1>Sign out?</h1>
<p>Sign out of ${escapeHtml(this.brand)}${from}? Applications you signed in to will ask for your password again.</p>
<form method="post" action="${escapeHtml(input.action)}">
${hiddenFields({ ...input.hidden, action: 'logout' })}
<div class="actions"><button type="submit" class="primary">Sign out</button></div>
</form>`,
    );
  }

  /** Any page in the shell of these (an extension's, through the interaction kit): `bodyHtml` is written as given. */
  page(title: string, bodyHtml: string): string {
    return layout(this.brand, title, bodyHtml);
  }

  signedOut(): string {
    return layout(this.brand, 'Signed out', '<h1>You are signed out</h1>\n<p>You can close this window.</p>');
  }

  /** `requestId` (X-Request-Id) is shown so that a user can quote it to support, who find it in the log. */
  error(code: string, description?: string, requestId?: string): string {
    return layout(
      this.brand,
      'Authorization error',
      `<h1>This request cannot be completed</h1>
<p role="alert"><code>${escapeHtml(code)}</code>${description ? `: ${escapeHtml(description)}` : ''}</p>
<p>Go back to the application you came from and try again.</p>${requestId ? `\n<p>Request id: <code>${escapeHtml(requestId)}</code></p>` : ''}`,
    );
  }
}
