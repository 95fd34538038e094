import { Injectable } from '@nestjs/common';
import { MAX_SWARM_DOWNLOADS_PER_SESSION, type SwarmAck, type SwarmAnnounce, type SwarmHave } from '#contracts';
import { LimitExceededError, NotFoundError } from '../common/errors.js';
import { SwarmRepository } from './swarm.repository.js';

/**
 * Swarming: what each peer session is downloading and which pieces it has verified, so that grants
 * can name it as a partial source (TransfersService). Only a connected peer (a socket) takes part.
 */
@Injectable()
export class SwarmService {
  constructor(private readonly repository: SwarmRepository) {}

  async announce(sessionId: string, announce: SwarmAnnounce): Promise<SwarmAck> {
    const bitfield = Buffer.from(announce.bitfield, 'base64');
    const recorded = await this.repository.announce(sessionId, { ...announce, bitfield }, MAX_SWARM_DOWNLOADS_PER_SESSION);
    if (!recorded) {
      throw new LimitExceededError(`This session already announces ${MAX_SWARM_DOWNLOADS_PER_SESSION} downloads; send swarm:leave for one that ended first`);
    }
    return { pieces: countBits(bitfield) };
  }

  async have(sessionId: string, have: SwarmHave): Promise<SwarmAck> {
    const bitfield = Buffer.from(have.bitfield, 'base64');
    if (!(await this.repository.have(sessionId, { ...have, bitfield }))) {
      throw new NotFoundError('No download of that file (of that size) was announced on this session: send swarm:announce first');
    }
    return { pieces: countBits(bitfield) };
  }

  async leave(sessionId: string, sha256: string): Promise<{ left: boolean }> {
    return { left: await this.repository.leave(sessionId, sha256) };
  }
}

function countBits(bytes: Buffer): number {
  let count = 0;
  for (let byte of bytes) {
    for (; byte; byte &= byte - 1) count++;
  }
  return count;
}
