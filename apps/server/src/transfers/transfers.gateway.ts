import { UseInterceptors } from '@nestjs/common';
import { type OnGatewayInit, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { PEER_NAMESPACE, TransferReportSchema, TransferRequestSchema, type TransferReport, type TransferRequest } from '#contracts';
import { AckInterceptor } from '../realtime/ack.interceptor.js';
import type { PeerNamespace, PeerSocketData } from '../realtime/peer-socket.js';
import { PeerContext, ValidPayload } from '../realtime/valid-payload.decorator.js';
import { TransfersService } from './transfers.service.js';

@WebSocketGateway({ namespace: PEER_NAMESPACE })
@UseInterceptors(AckInterceptor)
export class TransfersGateway implements OnGatewayInit {
  constructor(private readonly transfers: TransfersService) {}

  afterInit(namespace: PeerNamespace): void {
    this.transfers.attach(namespace);
  }

  @SubscribeMessage('transfer:request')
  request(@PeerContext() peer: PeerSocketData, @ValidPayload(TransferRequestSchema) request: TransferRequest) {
    return this.transfers.request(peer.user, peer.sessionId, request);
  }

  @SubscribeMessage('transfer:report')
  report(@PeerContext() peer: PeerSocketData, @ValidPayload(TransferReportSchema) report: TransferReport) {
    return this.transfers.report(peer.user, report);
  }
}
