import { UseInterceptors } from '@nestjs/common';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { PEER_NAMESPACE, ShareDeltaSchema, ShareSyncSchema, type ShareDelta, type ShareSync } from '#contracts';
import { AckInterceptor } from '../realtime/ack.interceptor.js';
import type { PeerSocketData } from '../realtime/peer-socket.js';
import { PeerContext, ValidPayload } from '../realtime/valid-payload.decorator.js';
import { ShareIndexService } from './share-index.service.js';

@WebSocketGateway({ namespace: PEER_NAMESPACE })
@UseInterceptors(AckInterceptor)
export class SharesGateway {
  constructor(private readonly shares: ShareIndexService) {}

  @SubscribeMessage('share:sync')
  sync(@PeerContext() peer: PeerSocketData, @ValidPayload(ShareSyncSchema) payload: ShareSync) {
    return this.shares.sync(peer, payload);
  }

  @SubscribeMessage('share:delta')
  delta(@PeerContext() peer: PeerSocketData, @ValidPayload(ShareDeltaSchema) payload: ShareDelta) {
    return this.shares.delta(peer, payload);
  }
}
