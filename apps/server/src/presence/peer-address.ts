import type { PeerHandshake } from '#contracts';

/**
 * The base URL other peers use to reach this one: the advertised url, or the address the socket
 * came from with the advertised port. Null when the peer advertised no endpoint at all.
 */
export function peerAddress(handshake: PeerHandshake, remoteAddress: string): string | null {
  if (handshake.url) return handshake.url.replace(/\/+$/, '');
  if (!handshake.port) return null;
  const host = remoteAddress.replace(/^::ffff:/, '');
  return host.includes(':') ? `http://[${host}]:${handshake.port}` : `http://${host}:${handshake.port}`;
}

/** The client's address as the server sees it; behind a trusted proxy, the first X-Forwarded-For hop. */
export function remoteAddressOf(
  handshake: { address: string; headers: Record<string, string | string[] | undefined> },
  trustProxy: boolean,
): string {
  const forwarded = handshake.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return trustProxy && first ? first : handshake.address;
}

/**
 * Asks a peer's endpoint whether it is reachable (GET <address>/healthz). Only the status and the
 * `{"status":"ok"}` body matter; nothing from the response is passed on.
 */
export async function probeReachable(address: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(`${address}/healthz`, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    if (!response.ok) return false;
    const body = (await response.json()) as { status?: unknown };
    return body.status === 'ok';
  } catch {
    return false;
  }
}
