import { OAuthError } from '../oauth/oauth-error';

/** Deeper than any request of ours (admin bodies nest two levels); far below any recursion limit. */
export const MAX_JSON_DEPTH = 32;
/** Names that reach Object.prototype when a parsed body is merged or copied into an object. */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The nesting depth of JSON text, counted on the raw characters (brackets inside strings do not
 * count), stopping as soon as it passes `limit`. Done before JSON.parse, so that nothing after
 * it (class-transformer, class-validator, our own walks) ever recurses through 1,500 levels.
 */
export function exceedsDepth(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/** True when an object at any depth has an own key that reaches a prototype once copied. */
function hasPrototypeKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(hasPrototypeKey);
  for (const key of Object.keys(value)) {
    if (PROTOTYPE_KEYS.has(key) || hasPrototypeKey((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/**
 * Parses a JSON request body, refusing with invalid_request what is not JSON, what nests deeper
 * than MAX_JSON_DEPTH, and any `__proto__`, `constructor` or `prototype` key (however escaped:
 * checked on the parsed keys, and the depth bound keeps that walk shallow).
 */
export function parseJsonBody(text: string): unknown {
  if (exceedsDepth(text, MAX_JSON_DEPTH)) throw new OAuthError('invalid_request', 'request body is nested too deeply');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new OAuthError('invalid_request', 'request body could not be parsed');
  }
  if (hasPrototypeKey(value)) throw new OAuthError('invalid_request', 'parameter name not allowed');
  return value;
}
