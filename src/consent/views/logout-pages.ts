import { escapeHtml, hiddenFields, layout } from './pages';

/** Asked when the sign-out request does not prove which application sent it (no valid id_token_hint). */
export function renderLogoutConfirmPage(input: { readonly action: string; readonly hidden: Record<string, string | undefined>; readonly clientName?: string }): string {
  const from = input.clientName ? ` requested by <strong>${escapeHtml(input.clientName)}</strong>` : '';
  return layout(
    'Sign out',
    `<h1>Sign out?</h1>
<p>Sign out of this server${from}? Applications you signed in to will ask for your password again.</p>
<form method="post" action="${escapeHtml(input.action)}">
${hiddenFields({ ...input.hidden, action: 'logout' })}
<div class="actions"><button type="submit" class="primary">Sign out</button></div>
</form>`,
  );
}

export function renderSignedOutPage(): string {
  return layout('Signed out', '<h1>You are signed out</h1>\n<p>You can close this window.</p>');
}
