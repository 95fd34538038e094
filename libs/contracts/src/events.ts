import type { ErrorBody } from './errors.js';
import type { PeerReady, SessionEnded } from './presence.js';
import type { SearchQueryInput, SearchResponse } from './search.js';
import type { ShareDelta, ShareDeltaResult, ShareSync, ShareSyncResult } from './shares.js';
import type { SwarmAck, SwarmAnnounce, SwarmHave, SwarmLeave } from './swarm.js';
import type { TransferGrant, TransferPush, TransferReport, TransferRequest } from './transfers.js';

/** Every acknowledgement: the result, or an error in the same shape REST errors have. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
export type AckCallback<T> = (response: Ack<T>) => void;

export const PEER_NAMESPACE = '/peer';

/** Events a peer sends to the server on the /peer namespace. */
export interface ClientToServerEvents {
  'peer:heartbeat': (ack?: AckCallback<{ leaseMs: number }>) => void;
  'share:sync': (payload: ShareSync, ack: AckCallback<ShareSyncResult>) => void;
  'share:delta': (payload: ShareDelta, ack: AckCallback<ShareDeltaResult>) => void;
  search: (payload: SearchQueryInput, ack: AckCallback<SearchResponse>) => void;
  'transfer:request': (payload: TransferRequest, ack: AckCallback<TransferGrant>) => void;
  'transfer:report': (payload: TransferReport, ack: AckCallback<{ recorded: true }>) => void;
  'swarm:announce': (payload: SwarmAnnounce, ack: AckCallback<SwarmAck>) => void;
  'swarm:have': (payload: SwarmHave, ack: AckCallback<SwarmAck>) => void;
  'swarm:leave': (payload: SwarmLeave, ack: AckCallback<{ left: boolean }>) => void;
}

/** Events the server sends to a peer. */
export interface ServerToClientEvents {
  'peer:ready': (ready: PeerReady) => void;
  'session:ended': (ended: SessionEnded) => void;
  'transfer:push': (push: TransferPush) => void;
}
