import { clientLogo } from './client-logo';

describe('clientLogo', () => {
  it('shows an https logo and allows exactly its origin', () => {
    expect(clientLogo('https://cdn.example.com:8443/brand/logo.png?v=2', false)).toEqual({
      src: 'https://cdn.example.com:8443/brand/logo.png?v=2',
      origin: 'https://cdn.example.com:8443',
    });
  });

  it('shows a plain http logo only under the development setting', () => {
    expect(clientLogo('http://127.0.0.1:8080/logo.png', false)).toBeNull();
    expect(clientLogo('http://127.0.0.1:8080/logo.png', true)).toEqual({ src: 'http://127.0.0.1:8080/logo.png', origin: 'http://127.0.0.1:8080' });
  });

  it.each([null, '', 'logo.png', 'data:image/png;base64,AAAA', 'javascript:alert(1)', 'ftp://example.com/logo.png', 'https://u:p@example.com/logo.png'])(
    'shows nothing for %j',
    (uri) => {
      expect(clientLogo(uri, true)).toBeNull();
    },
  );
});
