import { parseClientCredentials } from './client-credentials.parser';

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('parseClientCredentials', () => {
  it.each([
    ['plain id and secret', basic('app', 's3cret'), { clientId: 'app', clientSecret: 's3cret' }],
    ['a colon inside the secret (split at the first colon)', basic('app', 'a:b:c'), { clientId: 'app', clientSecret: 'a:b:c' }],
    ['form-urlencoded halves (RFC 6749 Appendix B)', basic('my%3Aapp', 'p%2Bq+r'), { clientId: 'my:app', clientSecret: 'p+q r' }],
    ['a lowercase scheme name', `basic ${Buffer.from('app:x').toString('base64')}`, { clientId: 'app', clientSecret: 'x' }],
  ])('reads HTTP Basic: %s', (_name, header, expected) => {
    expect(parseClientCredentials(header, {})).toEqual(expected);
  });

  it('accepts client_id in the body when it matches Basic (webMethods JSON body)', () => {
    expect(parseClientCredentials(basic('app', 'x'), { client_id: 'app' })).toEqual({ clientId: 'app', clientSecret: 'x' });
  });

  it.each([
    ['Basic plus client_secret in the body', basic('app', 'x'), { client_secret: 'x' }, 'invalid_request'],
    ['Basic and a different body client_id', basic('app', 'x'), { client_id: 'other' }, 'invalid_request'],
    ['Basic without a colon', `Basic ${Buffer.from('nocolon').toString('base64')}`, {}, 'invalid_client'],
    ['a Bearer header', 'Bearer abc', {}, 'invalid_client'],
    ['malformed percent-encoding', basic('%zz', 'x'), {}, 'invalid_client'],
    ['no credentials at all', undefined, {}, 'invalid_client'],
    ['a non-string client_id', undefined, { client_id: ['a', 'b'] }, 'invalid_request'],
  ])('rejects %s', (_name, header, body, code) => {
    expect(() => parseClientCredentials(header, body)).toThrow(expect.objectContaining({ code }));
  });

  it('reads client_secret_post and a public client id', () => {
    expect(parseClientCredentials(undefined, { client_id: 'a', client_secret: 'b' })).toEqual({ clientId: 'a', clientSecret: 'b' });
    expect(parseClientCredentials(undefined, { client_id: 'a' })).toEqual({ clientId: 'a' });
  });
});
