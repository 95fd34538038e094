/**
 * The client's address as the server sees it. Behind a trusted proxy, the last X-Forwarded-For
 * hop: the address the proxy itself saw. Earlier hops are whatever the client chose to send.
 */
export function remoteAddressOf(
  handshake: { address: string; headers: Record<string, string | string[] | undefined> },
  trustProxy: boolean,
): string {
  if (!trustProxy) return handshake.address;
  const forwarded = handshake.headers['x-forwarded-for'];
  const hops = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '')).split(',');
  const last = hops.map((hop) => hop.trim()).filter(Boolean).at(-1);
  return last ?? handshake.address;
}
