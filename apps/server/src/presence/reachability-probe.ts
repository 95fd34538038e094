import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Where the probe connects: always the address the socket came from, never a name to resolve. */
export interface ProbeTarget {
  protocol: 'http:' | 'https:';
  ip: string;
  port: number;
  /** the Host header (the advertised host and port) */
  hostHeader: string;
  /** TLS server name, when the advertised host is a name */
  servername?: string;
}

/** A peer answers `{"status":"ok"}`; anything longer than this is not a peer's answer. */
export const PROBE_MAX_BODY_BYTES = 512;
const PROBE_MAX_HEADER_BYTES = 8 * 1024;

/**
 * Asks a peer's endpoint whether it is reachable: GET /healthz on the socket's own address. Only
 * a 200 with the body `{"status":"ok"}` counts. Redirects are not followed, at most
 * PROBE_MAX_BODY_BYTES of body and 8 KiB of headers are read, and the connection is closed as soon
 * as the answer is known; nothing from the response is passed on.
 */
export function probeReachable(target: ProbeTarget, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(
      {
        host: target.ip,
        port: target.port,
        path: '/healthz',
        method: 'GET',
        agent: false,
        maxHeaderSize: PROBE_MAX_HEADER_BYTES,
        headers: { host: target.hostHeader, accept: 'application/json', connection: 'close' },
        ...(target.servername ? { servername: target.servername } : {}),
      },
      (response) => {
        const declared = Number(response.headers['content-length'] ?? 0);
        if (response.statusCode !== 200 || declared > PROBE_MAX_BODY_BYTES) return finish(false);
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > PROBE_MAX_BODY_BYTES) return finish(false);
          chunks.push(chunk);
        });
        response.on('end', () => finish(isOkBody(Buffer.concat(chunks))));
        response.on('error', () => finish(false));
      },
    );
    const timer = setTimeout(() => finish(false), timeoutMs);
    function finish(reachable: boolean): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(reachable);
    }
    request.on('error', () => finish(false));
    request.end();
  });
}

function isOkBody(body: Buffer): boolean {
  try {
    return (JSON.parse(body.toString('utf8')) as { status?: unknown } | null)?.status === 'ok';
  } catch {
    return false;
  }
}
