import type { LoginResult } from '../users/login.service';

/** What the login page says after a failed attempt (null: a field was empty). */
export function loginFailure(result: LoginResult | null, username: string): { error: string; username: string; status: number } {
  if (result && !result.ok && result.reason === 'locked') {
    const minutes = Math.max(1, Math.ceil(result.retryAfter / 60));
    return { error: `Too many failed attempts. Try again in ${minutes} minute${minutes > 1 ? 's' : ''}.`, username, status: 429 };
  }
  if (result && !result.ok && result.reason === 'unavailable') {
    return { error: 'The user directory is not answering right now. Try again in a few minutes.', username, status: 503 };
  }
  return { error: 'Invalid username or password.', username, status: 401 };
}
