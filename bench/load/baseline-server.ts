import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { PEER_NAMESPACE } from '#contracts';

/**
 * The load benchmark's baseline: a plain Socket.IO server with the directory's transport
 * settings that does nothing but accept the same connections. It answers `GET /health`, says
 * peer:ready at once, and acknowledges every event with an empty success, so the same clients
 * run against it and the difference to the real server is what the directory's work costs.
 * Prints `listening on http://127.0.0.1:<port>` once ready.
 */
const http = createServer((request, response) => {
  response.writeHead(request.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
  response.end('{"status":"ok"}');
});
const io = new Server(http, { pingInterval: 10_000, pingTimeout: 10_000, serveClient: false, maxHttpBufferSize: 8 * 1024 * 1024 });
io.of(PEER_NAMESPACE).on('connection', (socket) => {
  socket.emit('peer:ready', { sessionId: socket.id, address: null, firewalled: true, shareListRestored: false, fileCount: 0, heartbeatIntervalMs: 10_000 });
  socket.onAny((...args: unknown[]) => {
    const ack = args.at(-1);
    if (typeof ack === 'function') ack({ ok: true, data: { accepted: 0, rejected: [], fileCount: 0, results: [], nextCursor: null } });
  });
});
http.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${(http.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => {
  void io.close();
  http.close(() => process.exit(0));
});
