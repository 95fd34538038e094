import { Logger, UseInterceptors } from '@nestjs/common';
import {
  ConnectedSocket,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { PEER_NAMESPACE } from '#contracts';
import { OverloadedError } from '../common/errors.js';
import { toErrorBody } from '../common/http-error.filter.js';
import { AppConfig } from '../config/app-config.js';
import { AckInterceptor } from '../realtime/ack.interceptor.js';
import { type PeerNamespace, type PeerSocket, peerRooms } from '../realtime/peer-socket.js';
import { remoteAddressOf } from './peer-address.js';
import { PresenceService } from './presence.service.js';

/**
 * The /peer namespace's connection lifecycle. Peers authenticate once, in the handshake; a
 * refused handshake reaches the client as `connect_error` with the reason as its message and
 * `{statusCode}` as its data.
 */
@WebSocketGateway({ namespace: PEER_NAMESPACE })
@UseInterceptors(AckInterceptor)
export class PresenceGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger('PresenceGateway');

  constructor(
    private readonly presence: PresenceService,
    private readonly config: AppConfig,
  ) {}

  afterInit(namespace: PeerNamespace): void {
    this.presence.attach(namespace);
    namespace.use((socket, next) => {
      const remote = remoteAddressOf(socket.handshake, this.config.trustProxy);
      const connected = () => socket.conn.readyState === 'open';
      this.presence.open(socket.handshake.auth, remote, connected).then(
        (data) => {
          // The client may have given up while the handshake waited: Socket.IO then drops the
          // socket without a disconnect event, so its session ends here.
          if (!connected()) return void this.presence.close(data.sessionId);
          socket.data = data;
          next();
        },
        (error: unknown) => {
          const body = toErrorBody(error);
          if (body.statusCode >= 500 && !(error instanceof OverloadedError)) this.logger.error({ err: error }, 'peer handshake failed');
          next(Object.assign(new Error(body.message), { data: body }));
        },
      );
    });
  }

  async handleConnection(socket: PeerSocket): Promise<void> {
    const { sessionId } = socket.data;
    await socket.join(peerRooms(socket.data));
    try {
      const ready = await this.presence.welcome(socket.data);
      if (socket.connected) socket.emit('peer:ready', ready);
    } catch (error) {
      this.logger.error({ err: error, sessionId }, 'peer welcome failed');
      socket.disconnect(true);
    }
  }

  async handleDisconnect(socket: PeerSocket): Promise<void> {
    const sessionId = socket.data?.sessionId;
    if (!sessionId) return;
    // Ends are retried until written (and the lease removes the session anyway): never a crash.
    await this.presence.close(sessionId).catch((error: unknown) => this.logger.error({ err: error, sessionId }, 'ending a session failed'));
  }

  @SubscribeMessage('peer:heartbeat')
  heartbeat(@ConnectedSocket() socket: PeerSocket) {
    return this.presence.heartbeat(socket.data.sessionId);
  }
}
