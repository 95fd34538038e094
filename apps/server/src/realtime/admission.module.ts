import { Module } from '@nestjs/common';
import { AdmissionService } from './admission.service.js';

/** One admission queue per node, shared by the handshake (presence) and publishing (shares). */
@Module({ providers: [AdmissionService], exports: [AdmissionService] })
export class AdmissionModule {}
