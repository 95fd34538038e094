import { Injectable } from '@nestjs/common';
import type { SessionEndCause, SessionEnded } from '#contracts';
import { familyRoom, type PeerSocket, userRoom } from '../realtime/peer-socket.js';
import { SessionEndBus } from '../realtime/session-end-bus.js';

/**
 * Ends the peer sockets of a login (its refresh-token family) when it is signed out, on whichever
 * node holds them: every socket joins its login's room in the handshake, and session ends reach
 * every node (SessionEndBus). Each socket receives `session:ended` with the reason and the cause
 * `signed-out` (final: the peer does not reconnect by itself), then is disconnected, which ends
 * its peer session.
 */
@Injectable()
export class LoginSockets {
  constructor(private readonly sessionEnds: SessionEndBus) {}

  /** Every socket of one login (logout, a replayed refresh token). */
  async endLogin(familyId: string, reason: string): Promise<void> {
    await this.sessionEnds.end(familyRoom(familyId), signedOut(reason));
  }

  /** Every socket of the user except those of the login `keepFamilyId` (a password change). */
  async endOtherLogins(userId: string, keepFamilyId: string, reason: string): Promise<void> {
    await this.sessionEnds.end(userRoom(userId), signedOut(reason), familyRoom(keepFamilyId));
  }

  /** One socket this node holds, found signed out (or banned) when it sent an event. */
  endSocket(socket: PeerSocket, reason: string, cause: SessionEndCause = 'signed-out'): void {
    socket.emit('session:ended', { reason, cause });
    socket.disconnect(true);
  }
}

const signedOut = (reason: string): SessionEnded => ({ reason, cause: 'signed-out' });
