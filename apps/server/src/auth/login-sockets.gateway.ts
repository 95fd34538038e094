import { WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { PEER_NAMESPACE } from '#contracts';
import { familyRoom, type PeerNamespace, type PeerSocket, userRoom } from '../realtime/peer-socket.js';

/**
 * Ends the peer sockets of a login (its refresh-token family) when it is signed out, on whichever
 * node holds them: every socket joins its login's room in the handshake, and rooms span nodes
 * through the Socket.IO adapter. Each socket receives `session:ended` with the reason, then is
 * disconnected, which ends its peer session.
 */
@WebSocketGateway({ namespace: PEER_NAMESPACE })
export class LoginSocketsGateway {
  @WebSocketServer() private readonly namespace: PeerNamespace | undefined;

  /** Every socket of one login (logout, a replayed refresh token). */
  endLogin(familyId: string, reason: string): void {
    if (!this.namespace) return;
    this.namespace.to(familyRoom(familyId)).emit('session:ended', { reason });
    this.namespace.in(familyRoom(familyId)).disconnectSockets(true);
  }

  /** Every socket of the user except those of the login `keepFamilyId` (a password change). */
  endOtherLogins(userId: string, keepFamilyId: string, reason: string): void {
    if (!this.namespace) return;
    this.namespace.to(userRoom(userId)).except(familyRoom(keepFamilyId)).emit('session:ended', { reason });
    this.namespace.in(userRoom(userId)).except(familyRoom(keepFamilyId)).disconnectSockets(true);
  }

  /** One socket this node holds, found signed out when it sent an event. */
  endSocket(socket: PeerSocket, reason: string): void {
    socket.emit('session:ended', { reason });
    socket.disconnect(true);
  }
}
