import { VerifiedAccessTokens } from './verified-access-tokens';

describe('VerifiedAccessTokens', () => {
  const verified = (kid: string) => ({ kid, payload: { iss: 'https://as.example', jti: kid } });

  it('finds a token by its exact value only', () => {
    const tokens = new VerifiedAccessTokens();
    tokens.remember('h.p.s', verified('k1'));
    expect(tokens.get('h.p.s')).toEqual(verified('k1'));
    expect(tokens.get('h.q.s')).toBeUndefined();
    expect(tokens.get('h.p.s2')).toBeUndefined();
  });

  it('forgets the oldest token past its capacity, and keeps the rest', () => {
    const tokens = new VerifiedAccessTokens(3);
    for (const token of ['a', 'b', 'c', 'd']) tokens.remember(token, verified(token));
    expect(tokens.size).toBe(3);
    expect(tokens.get('a')).toBeUndefined();
    expect(['b', 'c', 'd'].map((t) => tokens.get(t)?.kid)).toEqual(['b', 'c', 'd']);
    // Remembering a token it holds again evicts nothing.
    tokens.remember('d', verified('d'));
    expect(tokens.get('b')?.kid).toBe('b');
  });
});
