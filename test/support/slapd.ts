import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';
import { sleep } from './sleep';

const run = promisify(execFile);

export const SLAPD = '/usr/sbin/slapd';
export const SUFFIX = 'dc=example,dc=org';
export const ROOT_DN = `cn=admin,${SUFFIX}`;
export const ROOT_PASSWORD = 'slapd-root-password';

/** True when Debian's OpenLDAP server and client tools are installed. */
export function slapdAvailable(): boolean {
  return existsSync(SLAPD) && existsSync('/usr/bin/ldapadd');
}

export interface SlapdOptions {
  /** Serves ldaps:// (and StartTLS on ldap://) with this certificate (PEM) and key. */
  readonly tls?: { readonly certificate: string; readonly privateKey: string };
}

export interface Slapd {
  /** ldap://127.0.0.1:PORT */
  readonly url: string;
  /** ldaps://127.0.0.1:PORT2 when started with `tls`. */
  readonly ldapsUrl: string | null;
  readonly port: number;
  /** Adds entries (LDIF) as the root DN. */
  add(ldif: string): Promise<void>;
  /** Applies changes (LDIF with changetype) as the root DN. */
  modify(ldif: string): Promise<void>;
  delete(dn: string): Promise<void>;
  /** Stops the server (the port is closed; start() again on the same data with restart()). */
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
}

/**
 * A private OpenLDAP server for one test file: its own slapd.conf and mdb database in a temporary
 * directory, on a free loopback port (never the system's slapd). It loads the memberof overlay
 * (users carry `memberOf`) and the ppolicy overlay (`pwdAccountLockedTime` locks an account),
 * and a small schema with AD's `userAccountControl` as an auxiliary class (`adAccount`). It
 * accepts a bind with a DN and an empty password as an unauthenticated bind (`allow
 * bind_anon_cred`), as some servers do: a client that took that for a password check would let
 * anyone in. Without a password policy entry, ppolicy leaves `pwdAccountLockedTime` to us.
 */
export async function startSlapd(options: SlapdOptions = {}): Promise<Slapd> {
  const dir = mkdtempSync(join(tmpdir(), 'slapd-'));
  mkdirSync(join(dir, 'data'));
  let tls = '';
  if (options.tls) {
    writeFileSync(join(dir, 'cert.pem'), options.tls.certificate);
    writeFileSync(join(dir, 'key.pem'), options.tls.privateKey);
    // A simple bind needs TLS (ldaps:// or StartTLS): a client that skipped StartTLS is refused.
    tls = `TLSCertificateFile ${dir}/cert.pem\nTLSCertificateKeyFile ${dir}/key.pem\nsecurity simple_bind=64\n`;
  }
  const conf = join(dir, 'slapd.conf');
  writeFileSync(
    conf,
    `include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb.la
moduleload memberof.la
moduleload ppolicy.la
attributetype ( 1.3.6.1.4.1.55555.1.1 NAME 'userAccountControl' EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.55555.2.1 NAME 'adAccount' AUXILIARY MAY userAccountControl )
${tls}allow bind_anon_cred
pidfile ${dir}/slapd.pid
database mdb
maxsize 10485760
suffix "${SUFFIX}"
rootdn "${ROOT_DN}"
rootpw ${ROOT_PASSWORD}
directory ${dir}/data
overlay memberof
overlay ppolicy
access to attrs=userPassword by anonymous auth by self write by * none
access to * by users read by * none
`,
  );
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  const ldapsUrl = options.tls ? `ldaps://127.0.0.1:${await freePort()}` : null;
  // The OpenLDAP tools bind as the root DN, over StartTLS when the server requires it (trusting its certificate).
  const rootBind = ['-x', '-H', url, ...(options.tls ? ['-ZZ'] : []), '-D', ROOT_DN, '-w', ROOT_PASSWORD];
  const clientEnv = { ...process.env, LDAPTLS_REQCERT: 'never' };
  let child: ChildProcess | null = null;
  let output = '';

  const start = async (): Promise<void> => {
    // -d: stay in the foreground (a child we can stop); 0: log nothing more than errors.
    child = spawn(SLAPD, ['-f', conf, '-h', [`${url}/`, ...(ldapsUrl ? [`${ldapsUrl}/`] : [])].join(' '), '-d', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`slapd exited during start:\n${output}`);
      try {
        await run('/usr/bin/ldapwhoami', [...rootBind], { env: clientEnv });
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`slapd did not answer within 10 s:\n${output}`);
        await sleep(100);
      }
    }
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };
  const ldap = async (tool: string, args: string[], input?: string): Promise<void> => {
    const call = run(tool, [...rootBind, ...args], { env: clientEnv });
    if (input !== undefined) {
      call.child.stdin!.end(input);
    }
    await call;
  };

  await start();
  await ldap('/usr/bin/ldapadd', [], `dn: ${SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n`);
  return {
    url,
    ldapsUrl,
    port,
    add: (ldif) => ldap('/usr/bin/ldapadd', [], ldif),
    modify: (ldif) => ldap('/usr/bin/ldapmodify', [], ldif),
    delete: (dn) => ldap('/usr/bin/ldapdelete', [dn]),
    stop,
    restart: start,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
