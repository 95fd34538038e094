import { UseInterceptors } from '@nestjs/common';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { PEER_NAMESPACE, SwarmAnnounceSchema, SwarmHaveSchema, SwarmLeaveSchema, type SwarmAnnounce, type SwarmHave, type SwarmLeave } from '#contracts';
import { AckInterceptor } from '../realtime/ack.interceptor.js';
import type { PeerSocketData } from '../realtime/peer-socket.js';
import { PeerContext, ValidPayload } from '../realtime/valid-payload.decorator.js';
import { SwarmService } from './swarm.service.js';

@WebSocketGateway({ namespace: PEER_NAMESPACE })
@UseInterceptors(AckInterceptor)
export class SwarmGateway {
  constructor(private readonly swarm: SwarmService) {}

  @SubscribeMessage('swarm:announce')
  announce(@PeerContext() peer: PeerSocketData, @ValidPayload(SwarmAnnounceSchema) announce: SwarmAnnounce) {
    return this.swarm.announce(peer.sessionId, announce);
  }

  @SubscribeMessage('swarm:have')
  have(@PeerContext() peer: PeerSocketData, @ValidPayload(SwarmHaveSchema) have: SwarmHave) {
    return this.swarm.have(peer.sessionId, have);
  }

  @SubscribeMessage('swarm:leave')
  leave(@PeerContext() peer: PeerSocketData, @ValidPayload(SwarmLeaveSchema) leave: SwarmLeave) {
    return this.swarm.leave(peer.sessionId, leave.sha256);
  }
}
