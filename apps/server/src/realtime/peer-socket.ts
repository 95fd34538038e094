import type { Namespace, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '#contracts';
import type { AuthUser } from '../auth/auth-user.js';
import type { PeerEndpoint } from '../presence/peer-endpoint.js';

/** What the handshake established about a peer socket; set before its `connection` event. */
export interface PeerSocketData {
  user: AuthUser;
  sessionId: string;
  /** the endpoint it advertised, bound to its socket's address; null when none */
  endpoint: PeerEndpoint | null;
  shareDigest: string | undefined;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type NoInterServerEvents = {};

export type PeerNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, NoInterServerEvents, PeerSocketData>;
export type PeerSocket = Socket<ClientToServerEvents, ServerToClientEvents, NoInterServerEvents, PeerSocketData>;

/** Rooms every peer socket joins, so "end all of this user's sessions" is one broadcast on any node. */
export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
/** The sockets of one login (refresh-token family), so signing it out is one broadcast too. */
export const familyRoom = (familyId: string) => `login:${familyId}`;

/** Every room a peer socket joins in the handshake: its user's, its session's and its login's. */
export function peerRooms({ user, sessionId }: PeerSocketData): string[] {
  return [userRoom(user.id), sessionRoom(sessionId), ...(user.familyId ? [familyRoom(user.familyId)] : [])];
}
