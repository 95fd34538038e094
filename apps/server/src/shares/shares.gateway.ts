import { UseInterceptors } from '@nestjs/common';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { PEER_NAMESPACE, ShareDeltaSchema, ShareSyncSchema, type ShareDelta, type ShareSync } from '#contracts';
import { AckInterceptor } from '../realtime/ack.interceptor.js';
import { AdmissionService } from '../realtime/admission.service.js';
import type { PeerSocketData } from '../realtime/peer-socket.js';
import { PeerContext, ValidPayload } from '../realtime/valid-payload.decorator.js';
import { ShareIndexService } from './share-index.service.js';

/** Publishing; each batch waits for an admission slot (503 with retryAfter when the queue is full). */
@WebSocketGateway({ namespace: PEER_NAMESPACE })
@UseInterceptors(AckInterceptor)
export class SharesGateway {
  constructor(
    private readonly shares: ShareIndexService,
    private readonly admission: AdmissionService,
  ) {}

  @SubscribeMessage('share:sync')
  sync(@PeerContext() peer: PeerSocketData, @ValidPayload(ShareSyncSchema) payload: ShareSync) {
    return this.admission.run('publish', () => this.shares.sync(peer, payload));
  }

  @SubscribeMessage('share:delta')
  delta(@PeerContext() peer: PeerSocketData, @ValidPayload(ShareDeltaSchema) payload: ShareDelta) {
    return this.admission.run('publish', () => this.shares.delta(peer, payload));
  }
}
