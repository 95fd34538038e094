import { Module } from '@nestjs/common';
import { SessionEndBus } from './session-end-bus.js';

/** Socket plumbing more than one capability uses: ending sessions on whichever node holds them. */
@Module({
  providers: [SessionEndBus],
  exports: [SessionEndBus],
})
export class RealtimeModule {}
