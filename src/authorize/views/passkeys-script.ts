/**
 * The browser side of the passkey ceremonies, served as /assets/passkeys.js (a script of our own
 * origin, as the pages' CSP allows): written by hand rather than served from @simplewebauthn/browser,
 * because what the pages need is small (base64url both ways, create() or get(), post the JSON) and
 * a file we write is one we can read in review and keep in the CSP without a bundler. Every form
 * marked data-passkey="register|login|second_factor" fetches its options from /passkeys/options,
 * runs the ceremony, writes PublicKeyCredential's JSON (WebAuthn §5.1.8) into the form's
 * `data-field` input and posts the form. Without WebAuthn (or without JavaScript) the forms stay hidden.
 */
export const PASSKEYS_SCRIPT = String.raw`(function () {
  'use strict';
  if (!window.PublicKeyCredential || !navigator.credentials) return;
  function toBytes(value) {
    var text = atob(value.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((value.length + 3) % 4));
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes.buffer;
  }
  function toText(buffer) {
    if (!buffer) return undefined;
    var bytes = new Uint8Array(buffer), text = '';
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function descriptors(list) {
    return (list || []).map(function (c) { return { type: c.type, id: toBytes(c.id), transports: c.transports }; });
  }
  function creationOptions(o) {
    return Object.assign({}, o, { challenge: toBytes(o.challenge), user: Object.assign({}, o.user, { id: toBytes(o.user.id) }), excludeCredentials: descriptors(o.excludeCredentials) });
  }
  function requestOptions(o) {
    return Object.assign({}, o, { challenge: toBytes(o.challenge), allowCredentials: descriptors(o.allowCredentials) });
  }
  function credentialJson(credential) {
    var r = credential.response, response = { clientDataJSON: toText(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toText(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = toText(r.authenticatorData);
      response.signature = toText(r.signature);
      response.userHandle = toText(r.userHandle);
    }
    return {
      id: credential.id, rawId: toText(credential.rawId), type: credential.type, response: response,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {}
    };
  }
  function fail(form, message) {
    var alert = form.querySelector('[data-passkey-error]');
    if (!alert) return;
    alert.textContent = message;
    alert.hidden = false;
  }
  function run(form) {
    var ceremony = form.getAttribute('data-passkey');
    var body = new URLSearchParams({ csrf_token: form.elements.csrf_token.value, ceremony: ceremony });
    return fetch('/passkeys/options', { method: 'POST', body: body, credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (res) {
        return res.json().then(function (json) {
          if (!res.ok) throw new Error(json.error_description || 'The passkey request could not start.');
          return json;
        });
      })
      .then(function (options) {
        return ceremony === 'register'
          ? navigator.credentials.create({ publicKey: creationOptions(options) })
          : navigator.credentials.get({ publicKey: requestOptions(options) });
      })
      .then(function (credential) {
        form.elements[form.getAttribute('data-field')].value = JSON.stringify(credentialJson(credential));
        form.submit();
      });
  }
  var forms = document.querySelectorAll('form[data-passkey]');
  for (var i = 0; i < forms.length; i++) {
    (function (form) {
      form.hidden = false;
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        run(form).catch(function (error) {
          fail(form, error && error.name === 'NotAllowedError' ? 'The passkey request was cancelled or timed out. Try again.' : (error && error.message) || 'The passkey request failed.');
        });
      });
    })(forms[i]);
  }
})();
`;
