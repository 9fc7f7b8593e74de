import { Injectable, OnModuleInit } from '@nestjs/common';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  SettingsService,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { decodeAttestationObject } from '@simplewebauthn/server/helpers';
import { randomBytes } from 'node:crypto';
import { AuditService } from '../../audit/audit.service';
import { sha256Hex, uuidv7 } from '../../common/crypto/tokens';
import { nowSeconds } from '../../common/time';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/config.module';
import { isDuplicateKey } from '../../database/dialects';
import { UnitOfWork } from '../../database/unit-of-work/unit-of-work';
import { ThrottleService } from '../../security/throttle.service';
import { passkeyAuthentication } from './mfa-policy';
import { PasskeyCeremony } from './passkey-challenge.entity';
import { PasskeyCredentialEntity } from './passkey-credential.entity';
import { PasskeysRepository } from './passkeys.repository';
import type { FactorActor, FactorSummary } from './sign-in-factors.service';
import { UserFactorsRepository } from './user-factors.repository';

export const PASSKEY_FACTOR = 'passkey';

/** How long a ceremony may take, from the options to the answer: a challenge expires then (WebAuthn §15.1 recommends 300 s with user verification). */
export const PASSKEY_CHALLENGE_SECONDS = 300;

/** Why a passkey was refused, for a page to say so. */
export type PasskeyFailure = 'malformed' | 'challenge' | 'origin' | 'unknown_credential' | 'invalid' | 'attestation' | 'locked';

/** A verified assertion: whose credential, and the RFC 8176 values it proves. */
export interface PasskeyAssertion {
  readonly userId: string;
  readonly factorId: string;
  /** `hwk` (device-bound) or `swk` (synced), and `user` when the authenticator verified the user. */
  readonly amr: readonly string[];
  readonly userVerified: boolean;
}

export type PasskeyResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: PasskeyFailure; readonly retryAfter?: number };

/** A passkey as the account page and the admin API show it: no public key, nothing secret. */
export interface PasskeySummary extends FactorSummary {
  readonly credentialId: string;
  readonly backupEligible: boolean;
  readonly backupState: boolean;
}

/** A passkey just added, and the RFC 8176 values its creation proved (as a sign-in with it would). */
export interface PasskeyRegistration {
  readonly passkey: PasskeySummary;
  readonly amr: readonly string[];
}

/** The parts of clientDataJSON (WebAuthn §5.8.1) checked before the library verifies the rest. */
interface ClientData {
  readonly challenge: string;
  readonly origin: string;
}

/**
 * Passkeys (W3C WebAuthn Level 3, with @simplewebauthn/server): the options of the three ceremonies
 * (each with a fresh challenge kept server-side, used once), adding a passkey, and checking an
 * assertion: signature, origin, RP id, challenge, counter, and the user-verification and backup flags.
 */
@Injectable()
export class PasskeysService implements OnModuleInit {
  constructor(
    private readonly passkeys: PasskeysRepository,
    private readonly factors: UserFactorsRepository,
    private readonly throttle: ThrottleService,
    private readonly audit: AuditService,
    private readonly work: UnitOfWork,
    @InjectConfig('webauthn') private readonly webauthn: AppConfig['webauthn'],
    @InjectConfig('brandName') private readonly brandName: AppConfig['brandName'],
    @InjectConfig('mfa') private readonly mfa: AppConfig['mfa'],
  ) {}

  /**
   * With WEBAUTHN_ATTESTATION=direct|enterprise, the configured roots are the only trust anchors of
   * every format that carries a certificate chain (the library's are process-wide, per format; its
   * built-in Apple and Google roots are replaced too: the file names every maker accepted).
   */
  onModuleInit(): void {
    if (this.webauthn.attestation === 'none') return;
    for (const identifier of ATTESTATION_FORMATS) SettingsService.setRootCertificates({ identifier, certificates: [...this.webauthn.attestationRoots] });
  }

  /** Options for navigator.credentials.create(): a discoverable credential for this user, none of theirs again. */
  async registrationOptions(user: { readonly id: string; readonly username: string }): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const existing = await this.passkeys.listForUser(user.id);
    const challenge = await this.newChallenge('register', user.id);
    return generateRegistrationOptions({
      rpName: this.brandName,
      rpID: this.webauthn.rpId,
      userName: user.username,
      // WebAuthn §14.6.1: the user handle is an opaque id, never the username.
      userID: new TextEncoder().encode(user.id),
      challenge,
      timeout: PASSKEY_CHALLENGE_SECONDS * 1000,
      attestationType: this.webauthn.attestation,
      excludeCredentials: existing.map((c) => ({ id: c.credentialId, transports: transportsOf(c) })),
      // A passkey is a discoverable credential (§6.2.2), so that it signs in without a username.
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    });
  }

  /**
   * Options for navigator.credentials.get(). Without a user: any discoverable credential, and the
   * authenticator must verify the user (a passkey alone then is two factors). With one (a second
   * factor after the password): only their credentials.
   */
  async authenticationOptions(userId: string | null): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const ceremony: PasskeyCeremony = userId === null ? 'login' : 'second_factor';
    const credentials = userId === null ? [] : await this.passkeys.listForUser(userId);
    const challenge = await this.newChallenge(ceremony, userId);
    return generateAuthenticationOptions({
      rpID: this.webauthn.rpId,
      challenge,
      timeout: PASSKEY_CHALLENGE_SECONDS * 1000,
      userVerification: userId === null ? 'required' : 'preferred',
      allowCredentials: credentials.map((c) => ({ id: c.credentialId, transports: transportsOf(c) })),
    });
  }

  /** Adds a passkey from a registration response (navigator.credentials.create()), named by the user. */
  async register(userId: string, name: string, responseJson: string, actor: FactorActor): Promise<PasskeyResult<PasskeyRegistration>> {
    const response = parseCredential<RegistrationResponseJSON>(responseJson);
    const clientData = response && clientDataOf(response.response.clientDataJSON);
    if (!response || !clientData) return { ok: false, reason: 'malformed' };
    if (!(await this.consume(clientData.challenge, 'register', userId))) return { ok: false, reason: 'challenge' };
    if (!this.webauthn.origins.includes(clientData.origin)) return { ok: false, reason: 'origin' };
    let info;
    try {
      const verification = await verifyRegistrationResponse({ response, ...this.expected(clientData.challenge), requireUserVerification: false });
      if (!verification.verified) return { ok: false, reason: 'invalid' };
      info = verification.registrationInfo;
    } catch {
      return { ok: false, reason: 'invalid' };
    }
    // WEBAUTHN_ATTESTATION=direct|enterprise: a passkey that shows no statement chained to a
    // configured root is refused: neither `none` nor self attestation (WebAuthn §8.2: packed
    // without x5c, signed by the credential's own key, proves nothing about the authenticator).
    if (this.webauthn.attestation !== 'none' && !chainedAttestation(info.fmt, info.attestationObject)) return { ok: false, reason: 'attestation' };
    const credentialHash = sha256Hex(info.credential.id);
    if (await this.passkeys.findByCredentialHash(credentialHash)) return { ok: false, reason: 'invalid' };
    const id = uuidv7();
    const now = nowSeconds();
    const label = name.trim().slice(0, 100) || 'Passkey';
    const credential: PasskeyCredentialEntity = {
      id,
      userId,
      credentialHash,
      credentialId: info.credential.id,
      publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
      signCount: info.credential.counter,
      backupEligible: info.credentialDeviceType === 'multiDevice',
      backupState: info.credentialBackedUp,
      transports: transportsFrom(info.credential.transports),
      aaguid: info.aaguid,
      attestationFormat: info.fmt,
    };
    try {
      await this.insertCredential(credential, label, now, actor, info.fmt);
    } catch (error) {
      // The same credential registered twice at once: the other request's insert came first.
      if (isDuplicateKey(error)) return { ok: false, reason: 'invalid' };
      throw error;
    }
    return {
      ok: true,
      value: {
        passkey: summaryOf({ id, type: PASSKEY_FACTOR, name: label, createdAt: now, lastUsedAt: null }, credential),
        amr: passkeyAmr(credential.backupEligible, info.userVerified),
      },
    };
  }

  private async insertCredential(credential: PasskeyCredentialEntity, label: string, now: number, actor: FactorActor, fmt: string): Promise<void> {
    const { id, userId } = credential;
    await this.work.audited(
      {
        type: 'user.factor.added',
        actorUserId: actor.actorUserId,
        subject: userId,
        detail: { factor: PASSKEY_FACTOR, id, via: actor.via, attestation: fmt },
      },
      async () => {
        // The public key is no secret; the factor row keeps none.
        await this.factors.insert([{ id, userId, type: PASSKEY_FACTOR, name: label, secret: '', createdAt: now, lastUsedAt: null, spentAt: null }]);
        await this.passkeys.insert(credential);
      },
    );
  }

  /**
   * Checks an assertion (navigator.credentials.get()) for a sign-in without a username (`userId`
   * null) or as the second factor of `userId`. Each attempt at a known credential counts against
   * its user's lockout first, as a password does (here for a sign-in; SignInFactorsService counts
   * second factors); the challenge is used up whatever the outcome.
   */
  async verifyAssertion(responseJson: string, userId: string | null, clientId?: string): Promise<PasskeyResult<PasskeyAssertion>> {
    const result = await this.checkAssertion(responseJson, userId);
    if (userId === null) {
      const subject = result.ok ? result.value.userId : undefined;
      await this.audit.record(
        result.ok
          ? {
              type: 'login.success',
              actorUserId: subject,
              subject,
              clientId,
              // The methods the session gets (RFC 8176), for the account page's recent sign-ins.
              detail: { channel: 'passkey', amr: passkeyAuthentication(this.mfa, result.value.amr, result.value.userVerified).amr.join(' ') },
            }
          : { type: 'login.failure', outcome: 'failure', subject: 'passkey', clientId, detail: { channel: 'passkey', reason: result.reason } },
      );
    }
    return result;
  }

  private async checkAssertion(responseJson: string, userId: string | null): Promise<PasskeyResult<PasskeyAssertion>> {
    const response = parseCredential<AuthenticationResponseJSON>(responseJson);
    const clientData = response && clientDataOf(response.response.clientDataJSON);
    if (!response || !clientData) return { ok: false, reason: 'malformed' };
    const ceremony: PasskeyCeremony = userId === null ? 'login' : 'second_factor';
    if (!(await this.consume(clientData.challenge, ceremony, userId))) return { ok: false, reason: 'challenge' };
    if (!this.webauthn.origins.includes(clientData.origin)) return { ok: false, reason: 'origin' };
    const credential = await this.passkeys.findByCredentialHash(sha256Hex(response.id));
    // Another user's passkey is no second factor of this one.
    if (!credential || (userId !== null && credential.userId !== userId)) return { ok: false, reason: 'unknown_credential' };
    // As a second factor, SignInFactorsService has counted this attempt already (and clears the count).
    const account = userId === null ? `user:${credential.userId}` : null;
    const lockedFor = account ? await this.throttle.countLoginAttempt(account) : 0;
    if (lockedFor > 0) return { ok: false, reason: 'locked', retryAfter: lockedFor };
    // WebAuthn §7.2 step 6: the user handle, when returned, must be the credential's owner.
    // The JSON is the client's: a user handle that is no base64url string is refused, not decoded.
    const userHandle: unknown = response.response.userHandle;
    if (userHandle !== undefined && userHandle !== null && userHandle !== '') {
      if (typeof userHandle !== 'string' || !B64URL.test(userHandle)) return { ok: false, reason: 'invalid' };
      if (Buffer.from(userHandle, 'base64url').toString('utf8') !== credential.userId) return { ok: false, reason: 'invalid' };
    }
    let info;
    try {
      const verification = await verifyAuthenticationResponse({
        response,
        ...this.expected(clientData.challenge),
        credential: { id: credential.credentialId, publicKey: Buffer.from(credential.publicKey, 'base64url'), counter: credential.signCount },
        requireUserVerification: userId === null,
      });
      if (!verification.verified) return { ok: false, reason: 'invalid' };
      info = verification.authenticationInfo;
    } catch {
      // A bad signature, a missing UV flag, or a counter that went back (§6.1.1: a cloned authenticator).
      return { ok: false, reason: 'invalid' };
    }
    if (account) await this.throttle.loginSucceeded(account);
    const now = nowSeconds();
    await this.work.run(async () => {
      await this.passkeys.recordUse(credential.id, info.newCounter, info.credentialBackedUp);
      await this.factors.touch(credential.id, now);
    });
    return {
      ok: true,
      value: {
        userId: credential.userId,
        factorId: credential.id,
        amr: passkeyAmr(credential.backupEligible, info.userVerified),
        userVerified: info.userVerified,
      },
    };
  }

  /** The user's passkeys with their backup flags (the factor rows give name and dates). */
  async list(userId: string, factors: readonly FactorSummary[]): Promise<PasskeySummary[]> {
    const rows = factors.filter((f) => f.type === PASSKEY_FACTOR);
    const credentials = new Map((await this.passkeys.findByIds(rows.map((r) => r.id))).map((c) => [c.id, c]));
    return rows.flatMap((row) => {
      const credential = credentials.get(row.id);
      return credential && credential.userId === userId ? [summaryOf(row, credential)] : [];
    });
  }

  /** Renames one of the user's passkeys; false when they have none of that id. */
  async rename(userId: string, factorId: string, name: string, actor: FactorActor): Promise<boolean> {
    const label = name.trim().slice(0, 100);
    if (!label) return false;
    return this.work.audited({ type: 'user.factor.renamed', actorUserId: actor.actorUserId, subject: userId, detail: { id: factorId, via: actor.via } }, () =>
      this.factors.rename(userId, factorId, PASSKEY_FACTOR, label),
    );
  }

  /** What a registration and an assertion must both have been made for: our challenge, an origin of ours, our RP ID (WebAuthn §7.1, §7.2). */
  private expected(challenge: string): { expectedChallenge: string; expectedOrigin: string[]; expectedRPID: string } {
    return { expectedChallenge: challenge, expectedOrigin: [...this.webauthn.origins], expectedRPID: this.webauthn.rpId };
  }

  /** The bytes of a new challenge (the options carry them base64url, as clientDataJSON will). */
  private async newChallenge(ceremony: PasskeyCeremony, userId: string | null): Promise<Uint8Array<ArrayBuffer>> {
    // WebAuthn §13.4.3: at least 16 random bytes; 32 here.
    const challenge = new Uint8Array(randomBytes(32));
    const encoded = Buffer.from(challenge).toString('base64url');
    await this.work.run(() => this.passkeys.insertChallenge({ id: sha256Hex(encoded), ceremony, userId, expiresAt: nowSeconds() + PASSKEY_CHALLENGE_SECONDS }));
    return challenge;
  }

  private consume(challenge: string, ceremony: PasskeyCeremony, userId: string | null): Promise<boolean> {
    return this.work.run(() => this.passkeys.consumeChallenge(sha256Hex(challenge), ceremony, userId, nowSeconds()));
  }
}

/** The attestation statement formats (WebAuthn §8) whose statement carries a certificate chain. */
const ATTESTATION_FORMATS = ['packed', 'tpm', 'fido-u2f', 'android-key', 'android-safetynet', 'apple'] as const;

/** Whether a verified attestation came with a certificate chain (x5c; android-safetynet signs with one). */
function chainedAttestation(fmt: string, attestationObject: Parameters<typeof decodeAttestationObject>[0]): boolean {
  if (fmt === 'none') return false;
  if (fmt !== 'packed') return true;
  return decodeAttestationObject(attestationObject).get('attStmt').get('x5c') !== undefined;
}

/**
 * RFC 8176 §2: `hwk` for a key bound to one device (not backup eligible), `swk` for a synced one,
 * and `user` when the authenticator verified the user (a PIN or a biometric, WebAuthn §6.1 UV).
 */
export function passkeyAmr(backupEligible: boolean, userVerified: boolean): string[] {
  return [backupEligible ? 'swk' : 'hwk', ...(userVerified ? ['user'] : [])];
}

function summaryOf(row: FactorSummary, credential: PasskeyCredentialEntity): PasskeySummary {
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    credentialId: credential.credentialId,
    backupEligible: credential.backupEligible,
    backupState: credential.backupState,
  };
}

function transportsOf(credential: PasskeyCredentialEntity): AuthenticatorTransport[] | undefined {
  return credential.transports ? (credential.transports.split(',') as AuthenticatorTransport[]) : undefined;
}

/** The transports the client listed (WebAuthn §5.2.1.1 getTransports()): only the strings of an array, anything else none. */
function transportsFrom(transports: unknown): string {
  if (!Array.isArray(transports)) return '';
  return transports
    .filter((t): t is string => typeof t === 'string')
    .join(',')
    .slice(0, 255);
}

type AuthenticatorTransport = 'ble' | 'cable' | 'hybrid' | 'internal' | 'nfc' | 'smart-card' | 'usb';

const B64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** A PublicKeyCredential as JSON (WebAuthn §5.1.8 toJSON()), or null when it has not that shape. */
function parseCredential<T extends RegistrationResponseJSON | AuthenticationResponseJSON>(json: string): T | null {
  if (json.length > 65_536) return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const credential = value as { id?: unknown; rawId?: unknown; type?: unknown; response?: unknown };
  const response = credential.response as { clientDataJSON?: unknown } | undefined;
  if (typeof credential.id !== 'string' || !B64URL.test(credential.id) || credential.id.length > 1400) return null;
  if (credential.rawId !== credential.id || credential.type !== 'public-key') return null;
  if (typeof response !== 'object' || response === null || typeof response.clientDataJSON !== 'string') return null;
  return value as T;
}

function clientDataOf(clientDataJSON: string): ClientData | null {
  try {
    const data = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as Partial<ClientData>;
    return typeof data.challenge === 'string' && typeof data.origin === 'string' ? { challenge: data.challenge, origin: data.origin } : null;
  } catch {
    return null;
  }
}
