import { type JSONWebKeySet, type JWTPayload, createLocalJWKSet, errors, jwtVerify } from 'jose';
import { TICKET_ALGORITHM, TICKET_ISSUER, type TicketClaims, TicketClaimsSchema } from '#contracts';

/**
 * Where the ticket keys come from: normally the server's GET /api/v1/ticket-keys. Called with
 * `refresh: true` when a ticket names a key id the current set does not hold (the server rotated).
 */
export type TicketKeySource = (options: { refresh: boolean }) => Promise<JSONWebKeySet>;

/** A request the peer refuses because of its ticket; `status` is what the HTTP endpoint answers. */
export class TicketRefusedError extends Error {
  constructor(
    readonly status: 401 | 403 | 503,
    message: string,
  ) {
    super(message);
  }
}

export interface TicketVerifierOptions {
  keys: TicketKeySource;
  /** seconds of clock difference tolerated between this peer and the server (default 30) */
  clockToleranceSeconds?: number;
  /** at most one refresh of the key set per this many ms, so junk key ids cannot flood the server */
  refreshCooldownMs?: number;
}

const MAX_CACHED_TICKETS = 1000;

/**
 * Verifies tickets offline: EdDSA signature against the server's JWKS, issuer, expiry, claim
 * shapes. A downloader presents the same ticket for every range it fetches, so successful
 * verifications are remembered until the ticket expires.
 */
export class TicketVerifier {
  private keySet?: { jwks: ReturnType<typeof createLocalJWKSet> };
  private lastRefresh = 0;
  private readonly verified = new Map<string, TicketClaims>();
  private readonly tolerance: number;
  private readonly cooldown: number;

  constructor(private readonly options: TicketVerifierOptions) {
    this.tolerance = options.clockToleranceSeconds ?? 30;
    this.cooldown = options.refreshCooldownMs ?? 10_000;
  }

  /** The ticket's claims; throws TicketRefusedError(401) when it is not a valid, current ticket. */
  async verify(token: string): Promise<TicketClaims> {
    const cached = this.verified.get(token);
    if (cached && cached.exp + this.tolerance > Date.now() / 1000) return cached;
    if (cached) this.verified.delete(token);

    const payload = await this.verifySignature(token);
    const claims = TicketClaimsSchema.safeParse(payload);
    if (!claims.success) throw new TicketRefusedError(401, 'the ticket is not a valid Peerdex ticket');
    if (this.verified.size >= MAX_CACHED_TICKETS) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, claims.data);
    return claims.data;
  }

  private async verifySignature(token: string): Promise<JWTPayload> {
    const options = { algorithms: [TICKET_ALGORITHM], issuer: TICKET_ISSUER, clockTolerance: this.tolerance, requiredClaims: ['exp', 'jti'] };
    try {
      try {
        return (await jwtVerify(token, await this.currentKeys(), options)).payload;
      } catch (error) {
        if (!(error instanceof errors.JWKSNoMatchingKey) || !(await this.refresh())) throw error;
        return (await jwtVerify(token, await this.currentKeys(), options)).payload;
      }
    } catch (error) {
      if (error instanceof TicketRefusedError) throw error;
      if (error instanceof errors.JWTExpired) throw new TicketRefusedError(401, 'the ticket has expired');
      if (error instanceof errors.JWKSNoMatchingKey) throw new TicketRefusedError(401, 'the ticket was signed with an unknown key');
      throw new TicketRefusedError(401, 'the ticket is invalid');
    }
  }

  private async currentKeys(): Promise<ReturnType<typeof createLocalJWKSet>> {
    if (!this.keySet) await this.load(false);
    return this.keySet!.jwks;
  }

  /** Loads a fresh key set unless one was loaded moments ago; true when it did. */
  private async refresh(): Promise<boolean> {
    if (Date.now() - this.lastRefresh < this.cooldown) return false;
    await this.load(true);
    return true;
  }

  private async load(refresh: boolean): Promise<void> {
    let jwks: JSONWebKeySet;
    try {
      jwks = await this.options.keys({ refresh });
    } catch {
      throw new TicketRefusedError(503, 'ticket keys are unavailable right now; try again shortly');
    }
    this.keySet = { jwks: createLocalJWKSet(jwks) };
    if (refresh) {
      this.lastRefresh = Date.now();
      // Tickets verified with keys that may just have been withdrawn are checked again.
      this.verified.clear();
    }
  }
}
