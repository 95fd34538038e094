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
      this.presence.open(socket.handshake.auth, remote).then(
        (data) => {
          socket.data = data;
          next();
        },
        (error: unknown) => {
          const body = toErrorBody(error);
          if (body.statusCode >= 500) this.logger.error({ err: error }, 'peer handshake failed');
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
    // The lease removes the session anyway if this fails; a disconnect must never crash the server.
    await this.presence.close(sessionId).catch((error: unknown) => this.logger.error({ err: error, sessionId }, 'ending a session failed'));
  }

  @SubscribeMessage('peer:heartbeat')
  heartbeat(@ConnectedSocket() socket: PeerSocket) {
    return this.presence.heartbeat(socket.data.sessionId);
  }
}
