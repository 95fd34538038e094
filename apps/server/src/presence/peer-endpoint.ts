import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { PeerHandshake } from '#contracts';
import { normalizeIp } from './private-address.js';
import type { ProbeTarget } from './reachability-probe.js';

/** What a session advertises: the base URL other peers get, and where the probe checks it. */
export interface PeerEndpoint {
  url: string;
  probe: ProbeTarget;
}

/**
 * The endpoint a handshake advertises, bound to the address the socket came from:
 * - `port`: `http://<socket address>:<port>`;
 * - `url` whose host is the socket's address, or a name that resolves to it: that URL's origin
 *   (scheme, host, port; a path, query or credentials are dropped);
 * - `url` naming any other host: its scheme and port on the socket's address instead. A session
 *   can thus never pass another machine's endpoint off as its own, nor aim the probe at it.
 * The probe always connects to the socket's address, so a name that resolves differently later
 * (DNS rebinding) changes nothing. Null when nothing was advertised.
 */
export async function resolveEndpoint(
  handshake: Pick<PeerHandshake, 'port' | 'url'>,
  remoteAddress: string,
  lookupTimeoutMs: number,
): Promise<PeerEndpoint | null> {
  const ip = normalizeIp(remoteAddress);
  if (handshake.url) {
    const url = new URL(handshake.url);
    const protocol = url.protocol === 'https:' ? 'https:' : 'http:';
    const port = Number(url.port || (protocol === 'https:' ? 443 : 80));
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    if (await resolvesTo(hostname, ip, lookupTimeoutMs)) {
      const servername = isIP(hostname) === 0 ? hostname : undefined;
      return { url: `${protocol}//${url.host}`, probe: { protocol, ip, port, hostHeader: url.host, servername } };
    }
    return atSocketAddress(protocol, ip, port);
  }
  return handshake.port ? atSocketAddress('http:', ip, handshake.port) : null;
}

function atSocketAddress(protocol: ProbeTarget['protocol'], ip: string, port: number): PeerEndpoint {
  const host = isIP(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
  return { url: `${protocol}//${host}`, probe: { protocol, ip, port, hostHeader: host } };
}

async function resolvesTo(hostname: string, ip: string, timeoutMs: number): Promise<boolean> {
  if (isIP(hostname) !== 0) return normalizeIp(hostname) === ip;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<[]>((resolve) => (timer = setTimeout(resolve, timeoutMs, [])));
  try {
    const addresses = await Promise.race([lookup(hostname, { all: true, verbatim: true }).catch(() => []), timeout]);
    return addresses.some((address) => normalizeIp(address.address) === ip);
  } finally {
    clearTimeout(timer);
  }
}
