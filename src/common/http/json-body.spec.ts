import { OAuthError } from '../oauth/oauth-error';
import { exceedsDepth, MAX_JSON_DEPTH, parseJsonBody } from './json-body';

describe('parseJsonBody', () => {
  it('parses the JSON of a real request', () => {
    expect(parseJsonBody('{"grant_type":"client_credentials","redirect_uris":["http://a"]}')).toEqual({
      grant_type: 'client_credentials',
      redirect_uris: ['http://a'],
    });
  });

  it.each([
    ['1,500 nested arrays', `${'['.repeat(1500)}${']'.repeat(1500)}`],
    ['a deep value inside an object', `{"a":${'{"b":'.repeat(MAX_JSON_DEPTH)}1${'}'.repeat(MAX_JSON_DEPTH)}}`],
    ['deep and unterminated', '['.repeat(100)],
  ])('refuses %s before parsing, with invalid_request', (_name, text) => {
    expect(() => parseJsonBody(text)).toThrow(new OAuthError('invalid_request', 'request body is nested too deeply'));
  });

  it('counts only brackets outside strings', () => {
    expect(exceedsDepth(`{"a":"${'['.repeat(100)}\\"${'{'.repeat(100)}"}`, 2)).toBe(false);
    expect(exceedsDepth(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`, MAX_JSON_DEPTH)).toBe(false);
  });

  it.each([
    '{"__proto__":{"admin":true}}',
    '{"x":{"constructor":"x"}}',
    '{"x":[{"prototype":1}]}',
    '{"\\u005f_proto__":{}}',
    '{"constru\\u0063tor":{"prototype":{}}}',
  ])('refuses a prototype key at any depth, however escaped: %s', (text) => {
    expect(() => parseJsonBody(text)).toThrow(new OAuthError('invalid_request', 'parameter name not allowed'));
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('refuses what is not JSON with invalid_request', () => {
    expect(() => parseJsonBody('{"a":')).toThrow(new OAuthError('invalid_request', 'request body could not be parsed'));
  });
});
