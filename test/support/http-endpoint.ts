import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  host: string | undefined;
}

/** A real HTTP server on one loopback address that records every request it gets. */
export interface RecordingEndpoint {
  host: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** Answers the reachability probe as a peer does: 200 `{"status":"ok"}` on /healthz, 404 elsewhere. */
export const healthzOk: Handler = (request, response) => {
  response.writeHead(request.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ status: 'ok' }));
};

export async function startEndpoint(host: string, handler: Handler = healthzOk, port = 0): Promise<RecordingEndpoint> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((request, response) => {
    requests.push({ method: request.method ?? '', url: request.url ?? '', host: request.headers.host });
    handler(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    host,
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Two endpoints on the same port of two loopback addresses (127.0.0.1 and 127.0.0.2 stand for two
 * machines); retries when the port is taken on the second address.
 */
export async function startEndpointPair(first: [string, Handler?], second: [string, Handler?]): Promise<[RecordingEndpoint, RecordingEndpoint]> {
  for (let attempt = 0; ; attempt += 1) {
    const a = await startEndpoint(first[0], first[1]);
    try {
      return [a, await startEndpoint(second[0], second[1], a.port)];
    } catch (error) {
      await a.close();
      if (attempt >= 10) throw error;
    }
  }
}
