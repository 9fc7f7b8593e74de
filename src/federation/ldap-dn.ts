/**
 * Distinguished names (RFC 4514) compared as a directory compares them for group membership: RDN by
 * RDN, attribute types case-insensitive (RFC 4512 §2.5; a few OIDs as their short names), values
 * case-insensitive (the matching rule of cn, ou, dc and o is caseIgnoreMatch), escapes decoded
 * (`\,`, `\2C`), spaces around `=`, `,` and `+` ignored, and a multi-valued RDN's parts in any order.
 */
export type Dn = readonly string[];

/** RFC 4519 attribute types a DN may spell as their OID (RFC 4514 §2.3 allows it). */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'cn',
  '2.5.4.6': 'c',
  '2.5.4.7': 'l',
  '2.5.4.8': 'st',
  '2.5.4.10': 'o',
  '2.5.4.11': 'ou',
  '0.9.2342.19200300.100.1.1': 'uid',
  '0.9.2342.19200300.100.1.25': 'dc',
};

const ATTRIBUTE_TYPE = /^(?:[a-z][a-z0-9-]*|\d+(?:\.\d+)*)$/;

/** The DN as its normalized RDNs, the most specific first; null when it is not a DN. */
export function parseDn(text: string): Dn | null {
  const rdns: string[] = [];
  let avas: string[] = [];
  let type = '';
  let value = '';
  let inValue = false;
  /** Characters of `value` up to here that came escaped: trailing spaces among them are kept. */
  let escapedUpTo = 0;
  const endAva = (): boolean => {
    const name = type.trim().toLowerCase();
    if (!inValue || !ATTRIBUTE_TYPE.test(name)) return false;
    const kept = value.slice(0, escapedUpTo) + value.slice(escapedUpTo).trimEnd();
    avas.push(`${SHORT_NAMES[name] ?? name}=${escapeValue(kept).toLowerCase()}`);
    type = '';
    value = '';
    inValue = false;
    escapedUpTo = 0;
    return true;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (!inValue) {
      if (c === '=') inValue = true;
      else if (c === ',' || c === '+' || c === '\\') return null;
      else type += c;
      continue;
    }
    if (c === '\\') {
      if (/^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
        const decoded = decodeHexRun(text, i);
        if (!decoded) return null;
        value += decoded.text;
        i = decoded.end - 1;
      } else if (i + 1 < text.length) {
        value += text[++i];
      } else return null;
      escapedUpTo = value.length;
      continue;
    }
    if (c === ',' || c === ';' || c === '+') {
      if (!endAva()) return null;
      if (c !== '+') {
        rdns.push(avas.sort().join('+'));
        avas = [];
      }
      continue;
    }
    // Leading spaces of a value are not part of it (unless escaped).
    if (c === ' ' && value.length === 0) continue;
    value += c;
  }
  if (!endAva()) return null;
  rdns.push(avas.sort().join('+'));
  return rdns;
}

/** The normalized form of a DN, or null when it is not one: equal strings name the same entry. */
export function normalizeDn(text: string): string | null {
  return parseDn(text)?.join(',') ?? null;
}

/** Whether `dn` is `base` or an entry below it. */
export function isWithin(dn: Dn, base: Dn): boolean {
  if (base.length > dn.length) return false;
  const offset = dn.length - base.length;
  return base.every((rdn, i) => dn[offset + i] === rdn);
}

/** The value of the DN's first RDN (one attribute), normalized; null for a multi-valued RDN. */
export function firstRdnValue(dn: Dn): string | null {
  const [first] = dn;
  if (first === undefined || first.includes('+')) return null;
  return first.slice(first.indexOf('=') + 1);
}

/** An attribute value as a normalized DN spells it (`Domain Admins` → `domain admins`). */
export function normalizeRdnValue(value: string): string {
  return escapeValue(value.trim()).toLowerCase();
}

/** A value in one spelling, whatever escapes it came with: the special characters escaped by backslash. */
function escapeValue(value: string): string {
  return value.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`);
}

/** `\xx\yy…` as the UTF-8 text those bytes spell, and where the run ends; null when they are not UTF-8. */
function decodeHexRun(text: string, start: number): { text: string; end: number } | null {
  const bytes: number[] = [];
  let i = start;
  while (text[i] === '\\' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
    bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
    i += 3;
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes)), end: i };
  } catch {
    return null;
  }
}
