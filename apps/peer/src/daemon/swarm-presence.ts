import { PIECE_SIZE, SWARM_HAVE_INTERVAL_MS, SWARM_HAVE_PIECES, type SwarmAck } from '#contracts';
import type { PartialFiles } from '../http/partial-files.js';
import type { PartialFile, SwarmParticipation } from '../transfer/swarm.js';
import { ServerCallError } from './peer-connection.js';

/** Sends one swarm event and resolves with its acknowledgement (the daemon's connection). */
export type SwarmSend = (event: 'swarm:announce' | 'swarm:have' | 'swarm:leave', payload: unknown) => Promise<unknown>;

/** A completed download keeps being served from its final path this long, while seeding publishes it. */
const COMPLETED_LINGER_MS = 60_000;

/**
 * The daemon's side of swarming: each download in progress serves its verified pieces through the
 * peer endpoint (PartialFiles) and tells the server which ones it has: `swarm:announce` when it
 * starts (and again on every new session), `swarm:have` with the whole bitfield every
 * SWARM_HAVE_INTERVAL_MS or SWARM_HAVE_PIECES new pieces, whichever comes first, and `swarm:leave`
 * when it ends.
 */
export class SwarmPresence {
  private readonly active = new Set<Participant>();

  constructor(
    private readonly partials: PartialFiles,
    private readonly send: SwarmSend,
    private readonly log: (line: string) => void,
  ) {}

  /** One download's participation; `seeding` keeps a completed file served until it is published. */
  participate(seeding: boolean): SwarmParticipation {
    return new Participant(this, seeding);
  }

  /** A new session: the server forgot the old one's downloads, so each is announced again. */
  reannounce(): void {
    for (const participant of this.active) participant.announce();
  }

  /** @internal */
  register(participant: Participant, file: PartialFile): () => void {
    this.active.add(participant);
    return this.partials.add(file);
  }

  /** @internal */
  unregister(participant: Participant): void {
    this.active.delete(participant);
  }

  /** @internal sends, logging a refusal once per download rather than failing it: swarming is a bonus. */
  async emit(participant: Participant, event: 'swarm:announce' | 'swarm:have' | 'swarm:leave', payload: unknown): Promise<SwarmAck | undefined> {
    try {
      return (await this.send(event, payload)) as SwarmAck;
    } catch (error) {
      if (error instanceof ServerCallError && error.statusCode === 404 && event === 'swarm:have') {
        participant.announce(); // the server lost it (a new session): start over
        return undefined;
      }
      if (!participant.warned) {
        participant.warned = true;
        this.log(`Could not tell the server about ${participant.name}'s pieces (${(error as Error).message}); others may not download them from you`);
      }
      return undefined;
    }
  }
}

class Participant implements SwarmParticipation {
  warned = false;
  private file?: PartialFile;
  private stopServing?: () => void;
  private timer?: NodeJS.Timeout;
  private unsent = 0;

  constructor(
    private readonly presence: SwarmPresence,
    private readonly seeding: boolean,
  ) {}

  get name(): string {
    return this.file?.name ?? 'a download';
  }

  started(file: PartialFile): void {
    this.file = file;
    this.stopServing = this.presence.register(this, file);
    this.announce();
    this.timer = setInterval(() => this.unsent > 0 && this.sendHave(), SWARM_HAVE_INTERVAL_MS);
    this.timer.unref();
  }

  verified(): void {
    if (++this.unsent >= SWARM_HAVE_PIECES) this.sendHave();
  }

  ended(completed: boolean): void {
    clearInterval(this.timer);
    this.presence.unregister(this);
    if (!this.file) return;
    void this.presence.emit(this, 'swarm:leave', { sha256: this.file.sha256 });
    // A completed file is served whole from its new name until seeding has published it.
    if (completed && this.seeding) setTimeout(() => this.stopServing?.(), COMPLETED_LINGER_MS).unref();
    else this.stopServing?.();
  }

  announce(): void {
    if (!this.file) return;
    const { sha256, size, pieceRoot, have } = this.file;
    this.unsent = 0;
    void this.presence.emit(this, 'swarm:announce', { sha256, size, pieceSize: PIECE_SIZE, pieceRoot, bitfield: have.toBase64() });
  }

  private sendHave(): void {
    if (!this.file) return;
    this.unsent = 0;
    void this.presence.emit(this, 'swarm:have', { sha256: this.file.sha256, size: this.file.size, bitfield: this.file.have.toBase64() });
  }
}
