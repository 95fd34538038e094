import { UseInterceptors } from '@nestjs/common';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { PEER_NAMESPACE, SearchQuerySchema, type SearchQuery } from '#contracts';
import { AckInterceptor } from '../realtime/ack.interceptor.js';
import type { PeerSocketData } from '../realtime/peer-socket.js';
import { PeerContext, ValidPayload } from '../realtime/valid-payload.decorator.js';
import { SearchService } from './search.service.js';

@WebSocketGateway({ namespace: PEER_NAMESPACE })
@UseInterceptors(AckInterceptor)
export class SearchGateway {
  constructor(private readonly search: SearchService) {}

  @SubscribeMessage('search')
  find(@PeerContext() peer: PeerSocketData, @ValidPayload(SearchQuerySchema) query: SearchQuery) {
    return this.search.search(peer.user, query, 'socket');
  }
}
