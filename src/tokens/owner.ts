/** Whose tokens or codes: a user's, a client's, or one user's at one client. */
export type Owner = { readonly userId: string; readonly clientId?: string } | { readonly userId?: string; readonly clientId: string };

/** The `where` of an owner's rows: its user, its client, or both. */
export function ownerWhere(owner: Owner): { userId?: string; clientId?: string } {
  return {
    ...(owner.userId !== undefined ? { userId: owner.userId } : {}),
    ...(owner.clientId !== undefined ? { clientId: owner.clientId } : {}),
  };
}
