/**
 * Listens on `host`, or, when none is configured, on every interface: '::' (IPv6 and IPv4), and
 * every IPv4 interface on hosts without IPv6 (Fastify and Node alone would pick one).
 */
export async function listenOn(listen: (host: string) => Promise<unknown>, host: string | undefined): Promise<void> {
  if (host) {
    await listen(host);
    return;
  }
  try {
    await listen('::');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL') throw error;
    await listen('0.0.0.0');
  }
}
