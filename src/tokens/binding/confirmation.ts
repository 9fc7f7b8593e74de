/**
 * RFC 7800 §3.1: the confirmation (`cnf`) of a sender-constrained token: one member naming the
 * confirmation method and its value, `{ jkt }` for a DPoP key (RFC 9449 §6) or `{ 'x5t#S256' }` for a
 * client certificate (RFC 8705 §3.1). Stored as such with the token and written as such into JWT
 * access tokens and introspection answers.
 */
export type Confirmation = Readonly<Record<string, string>>;

/** The confirmation `{ [method]: value }`. */
export function confirmation(method: string, value: string): Confirmation {
  return Object.freeze({ [method]: value });
}

/** The method and value of a confirmation (its one member). */
export function confirmationMember(cnf: Confirmation): readonly [method: string, value: string] {
  const [member] = Object.entries(cnf);
  return member ?? ['', ''];
}

/** Whether two confirmations (or their absence) bind to the same key or certificate. */
export function sameConfirmation(a: Confirmation | null, b: Confirmation | null): boolean {
  if (a === null || b === null) return a === b;
  const [methodA, valueA] = confirmationMember(a);
  const [methodB, valueB] = confirmationMember(b);
  return methodA === methodB && valueA === valueB;
}
