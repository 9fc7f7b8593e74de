/** All instants in the database are integer epoch seconds (UTC). */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
