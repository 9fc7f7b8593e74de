import { isoCBOR } from '@simplewebauthn/server/helpers';
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';

const b64url = (bytes: Uint8Array | Buffer): string => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string): Buffer => createHash('sha256').update(data).digest();

/** WebAuthn §6.1 authenticator data flags. */
const UP = 0x01;
const UV = 0x04;
const BE = 0x08;
const BS = 0x10;
const AT = 0x40;

export interface SoftPasskeyOptions {
  /** Whether the authenticator verifies the user (UV flag). Default true. */
  readonly userVerified?: boolean;
  /** A synced passkey (BE and BS flags). Default false: bound to this device. */
  readonly synced?: boolean;
  /**
   * The attestation statement (WebAuthn §8): `none` (default), `self` (packed, signed by the
   * credential's own key, no x5c), or packed with this attestation certificate (PEMs) as x5c.
   */
  readonly attestation?: 'none' | 'self' | { readonly certificate: string; readonly privateKey: string };
}

/**
 * A software WebAuthn authenticator for HTTP tests: one ES256 passkey, packed as a browser would
 * (PublicKeyCredential.toJSON()), for any origin and challenge a test chooses, so that tests can
 * also make the answers a real browser never would (another origin, a reused challenge).
 */
export class SoftPasskey {
  readonly credentialId = b64url(randomBytes(16));
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private counter = 0;
  private userHandle = '';

  constructor(
    private readonly rpId: string,
    private readonly options: SoftPasskeyOptions = {},
  ) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  private flags(extra = 0): number {
    const synced = this.options.synced ? BE | BS : 0;
    return UP | (this.options.userVerified === false ? 0 : UV) | synced | extra;
  }

  private authData(flags: number, attested?: Buffer): Buffer {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    return Buffer.concat([sha256(this.rpId), Buffer.from([flags]), counter, ...(attested ? [attested] : [])]);
  }

  /** The answer to navigator.credentials.create() for creation options (JSON), from `origin`. */
  create(options: { challenge: string; user: { id: string } }, origin: string): string {
    this.userHandle = options.user.id;
    const jwk = this.publicKey.export({ format: 'jwk' });
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
    const id = Buffer.from(this.credentialId, 'base64url');
    const length = Buffer.alloc(2);
    length.writeUInt16BE(id.length);
    const attested = Buffer.concat([Buffer.alloc(16), length, id, Buffer.from(cose)]);
    const authData = this.authData(this.flags(AT), attested);
    const clientDataJSON = JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin, crossOrigin: false });
    const attestation = this.options.attestation ?? 'none';
    let fmt = 'none';
    const attStmt = new Map<string, number | Uint8Array | Uint8Array[]>();
    if (attestation !== 'none') {
      // WebAuthn §8.2: packed signs authData || SHA-256(clientDataJSON) with the attestation key.
      fmt = 'packed';
      const signed = Buffer.concat([authData, sha256(clientDataJSON)]);
      attStmt.set('alg', -7);
      if (attestation === 'self') {
        attStmt.set('sig', sign('sha256', signed, this.privateKey));
      } else {
        attStmt.set('sig', sign('sha256', signed, createPrivateKey(attestation.privateKey)));
        attStmt.set('x5c', [new Uint8Array(new X509Certificate(attestation.certificate).raw)]);
      }
    }
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Map<string, number | Uint8Array | Uint8Array[]> | Uint8Array>([
        ['fmt', fmt],
        ['attStmt', attStmt],
        ['authData', authData],
      ]),
    );
    return JSON.stringify({
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      response: { clientDataJSON: b64url(Buffer.from(clientDataJSON)), attestationObject: b64url(attestationObject), transports: ['internal'] },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    });
  }

  /** The answer to navigator.credentials.get() for request options (JSON), from `origin`. */
  get(options: { challenge: string }, origin: string, credentialId = this.credentialId): string {
    this.counter += 1;
    const authenticatorData = this.authData(this.flags());
    const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin, crossOrigin: false }));
    const signature = sign('sha256', Buffer.concat([authenticatorData, sha256(clientDataJSON)]), this.privateKey);
    return JSON.stringify({
      id: credentialId,
      rawId: credentialId,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authenticatorData),
        signature: b64url(signature),
        userHandle: this.userHandle || undefined,
      },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    });
  }
}
