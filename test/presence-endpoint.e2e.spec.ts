import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { registerUser } from './support/accounts.js';
import { startTestServer, type TestServer } from './support/app.js';
import { eventually } from './support/eventually.js';
import { type RecordingEndpoint, startEndpoint, startEndpointPair } from './support/http-endpoint.js';
import { httpClient, type HttpClient } from './support/http.js';
import { type ConnectedPeer, connectPeer, entry } from './support/peer-socket.js';

/**
 * The endpoint a peer advertises in its handshake, and the reachability probe the server sends
 * it. 127.0.0.1 and 127.0.0.2 stand for two machines: a socket can come from either.
 */
describe('advertised endpoints and the reachability probe', () => {
  let server: TestServer;
  let http: HttpClient;
  const cleanup: Array<() => Promise<void> | void> = [];

  const peer = async (username: string, auth: Record<string, unknown>, localAddress?: string): Promise<ConnectedPeer> => {
    const account = await registerUser(http, username);
    const connected = await connectPeer(server.baseUrl, { token: account.accessToken, ...auth }, { localAddress });
    cleanup.push(() => connected.close());
    return connected;
  };
  const endpoint = async (...args: Parameters<typeof startEndpoint>) => {
    const started = await startEndpoint(...args);
    cleanup.push(() => started.close());
    return started;
  };
  const pair = async (...args: Parameters<typeof startEndpointPair>) => {
    const started = await startEndpointPair(...args);
    cleanup.push(() => Promise.all(started.map((one) => one.close())).then(() => undefined));
    return started;
  };
  const probes = (target: RecordingEndpoint) => target.requests.map((request) => `${request.method} ${request.url}`);

  beforeAll(async () => {
    server = await startTestServer({ PEER_PROBE_TIMEOUT: '10s' });
    http = httpClient(server.baseUrl);
  });
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  afterAll(() => server.close());

  it('probes only the socket’s own address and the fixed /healthz path, whatever host, port and path the handshake names', async () => {
    const [own, internal] = await pair(['127.0.0.1'], ['127.0.0.2']);
    const scanner = await peer('scanner', { url: `http://127.0.0.2:${internal.port}/internal/admin/delete-everything?token=abc` });
    expect(scanner.ready).toMatchObject({ address: `http://127.0.0.1:${own.port}`, firewalled: false });
    expect(internal.requests).toEqual([]);
    expect(own.requests).toEqual([{ method: 'GET', url: '/healthz', host: `127.0.0.1:${own.port}` }]);

    const withPath = await peer('with-path', { url: `http://user:secret@127.0.0.1:${own.port}/private/area?x=1#frag` });
    expect(withPath.ready).toMatchObject({ address: `http://127.0.0.1:${own.port}`, firewalled: false });
    expect(probes(own)).toEqual(['GET /healthz', 'GET /healthz']);
  });

  it('keeps a URL whose host name resolves to the socket’s address, and probes that address', async () => {
    const own = await endpoint('127.0.0.1');
    const named = await peer('named', { url: `http://localhost:${own.port}/` });
    expect(named.ready).toMatchObject({ address: `http://localhost:${own.port}`, firewalled: false });
    expect(own.requests).toEqual([{ method: 'GET', url: '/healthz', host: `localhost:${own.port}` }]);
  });

  it('binds an advertised endpoint to the socket’s address, so a session cannot pass another peer’s endpoint off as its own', async () => {
    const victimEndpoint = await endpoint('127.0.0.2');
    const victim = await peer('victim', { port: victimEndpoint.port }, '127.0.0.2');
    expect(victim.ready).toMatchObject({ address: `http://127.0.0.2:${victimEndpoint.port}`, firewalled: false });

    const liar = await peer('liar', { url: `http://127.0.0.2:${victimEndpoint.port}` });
    expect(liar.ready.address).toBe(`http://127.0.0.1:${victimEndpoint.port}`);
    expect(liar.ready.firewalled).toBe(true);
    expect(probes(victimEndpoint)).toEqual(['GET /healthz']);

    const bait = entry('bait/Totally Real Movie.mkv', 'bait only the liar has');
    await liar.ok('share:sync', { files: [bait], final: true });
    const downloader = await peer('downloader', {});
    const ack = await downloader.call('transfer:request', { sha256: bait.sha256 });
    // The liar is firewalled and so is the downloader: no source URL at all, least of all the victim's.
    expect(ack).toMatchObject({ ok: false, error: { statusCode: 409 } });
    const row = await server.prisma.peerSession.findUnique({ where: { id: liar.ready.sessionId } });
    expect(row).toMatchObject({ address: `http://127.0.0.1:${victimEndpoint.port}`, firewalled: true });
  });

  it('reads at most a few hundred bytes of the probe’s answer and closes the connection', async () => {
    const stream = { sent: 0, finished: false, closedEarly: false };
    const chunk = Buffer.alloc(64 * 1024, ' ');
    const huge = await endpoint('127.0.0.1', (_request, response: ServerResponse) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.on('close', () => (stream.closedEarly = !response.writableFinished));
      // 64 MiB of blanks and then a valid body: a reader that reads everything says "reachable".
      const pump = () => {
        while (stream.sent < 64 * 1024 * 1024) {
          if (response.destroyed) return;
          stream.sent += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        response.end('{"status":"ok"}', () => (stream.finished = true));
      };
      pump();
    });
    const flooded = await peer('flooded', { port: huge.port });
    expect(flooded.ready.firewalled).toBe(true);
    await eventually(() => expect(stream.closedEarly).toBe(true));
    expect(stream.finished).toBe(false);
    expect(stream.sent).toBeLessThan(64 * 1024 * 1024);
  });

  it('does not follow redirects', async () => {
    let redirectTarget = 0;
    const [redirecting, internal] = await pair(
      [
        '127.0.0.1',
        (_request, response) => {
          response.writeHead(302, { location: `http://127.0.0.2:${redirectTarget}/healthz` });
          response.end();
        },
      ],
      ['127.0.0.2'],
    );
    redirectTarget = internal.port;
    const redirected = await peer('redirected', { port: redirecting.port });
    expect(redirected.ready.firewalled).toBe(true);
    expect(probes(redirecting)).toEqual(['GET /healthz']);
    expect(internal.requests).toEqual([]);
  });
});

describe('PEER_PRIVATE_ADDRESSES=deny', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ PEER_PRIVATE_ADDRESSES: 'deny', PEER_PROBE_TIMEOUT: '5s' });
  });
  afterAll(() => server.close());

  it('never probes a loopback peer: it is firewalled, and can still search and publish', async () => {
    const http = httpClient(server.baseUrl);
    for (const [from, word] of [['127.0.0.1', 'alpha'], ['127.0.0.2', 'bravo']] as const) {
      const own = await startEndpoint(from);
      try {
        const account = await registerUser(http, `private-${from.replaceAll('.', '-')}`);
        const peer = await connectPeer(server.baseUrl, { token: account.accessToken, port: own.port }, { localAddress: from });
        expect(peer.ready).toMatchObject({ address: `http://${from}:${own.port}`, firewalled: true });
        expect(own.requests).toEqual([]);
        expect(await peer.ok('share:sync', { files: [entry(`a/Private ${word}.mp3`, from)], final: true })).toMatchObject({ fileCount: 1 });
        expect((await peer.ok('search', { q: `private ${word}` })).results).toHaveLength(1);
        peer.close();
      } finally {
        await own.close();
      }
    }
  });
});
