import { BlockList, isIP } from 'node:net';

/**
 * Addresses the reachability probe must not reach unless the operator allows it
 * (PEER_PRIVATE_ADDRESSES=allow): loopback, private, shared (CGNAT), link-local, unspecified,
 * benchmarking, multicast and reserved ranges. A peer there could otherwise make the server knock
 * on services of the server's own network.
 */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

/** An IPv4 address written as IPv4-mapped IPv6 ("::ffff:10.0.0.1") becomes plain IPv4. */
export function normalizeIp(address: string): string {
  const unmapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  return (unmapped ?? address).toLowerCase();
}

/** True for addresses in the ranges above; anything that is not an IP address counts as private. */
export function isPrivateAddress(address: string): boolean {
  const ip = normalizeIp(address);
  const family = isIP(ip);
  if (family === 0) return true;
  return PRIVATE.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

/** Whether a HOST setting listens on loopback only (then every peer runs on this machine). */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  const ip = normalizeIp(host.replace(/^\[|\]$/g, ''));
  const family = isIP(ip);
  if (family === 4) return ip.startsWith('127.');
  return family === 6 && ip === '::1';
}
