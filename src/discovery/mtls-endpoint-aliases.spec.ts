import { withMtlsEndpointAliases } from './mtls-endpoint-aliases';

describe('mtls_endpoint_aliases (RFC 8705 §5)', () => {
  const issuer = 'https://as.example.com/tenant';
  const document = {
    issuer,
    authorization_endpoint: `${issuer}/oauth2/authorize`,
    token_endpoint: `${issuer}/oauth2/token`,
    pushed_authorization_request_endpoint: `${issuer}/oauth2/par`,
    userinfo_endpoint: 'https://elsewhere.example.com/userinfo',
  };

  it('lists the client endpoints under the mutual TLS base, not the browser-facing ones', () => {
    expect(withMtlsEndpointAliases(document, issuer, 'https://mtls.as.example.com/tenant').mtls_endpoint_aliases).toEqual({
      token_endpoint: 'https://mtls.as.example.com/tenant/oauth2/token',
      pushed_authorization_request_endpoint: 'https://mtls.as.example.com/tenant/oauth2/par',
    });
  });

  it('leaves the document as it is without a mutual TLS base', () => {
    expect(withMtlsEndpointAliases(document, issuer, undefined)).toBe(document);
  });
});
