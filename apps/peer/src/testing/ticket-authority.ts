import { randomUUID } from 'node:crypto';
import { type JSONWebKeySet, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { TICKET_ALGORITHM, TICKET_ISSUER, type TicketClaims } from '#contracts';
import type { TicketKeySource } from '../http/ticket-verifier.js';

/**
 * Test and benchmark support (not part of the engine's API): signs tickets the way the directory
 * server does, with an Ed25519 key of its own, and publishes the matching JWKS.
 */
export interface TicketAuthority {
  jwks: JSONWebKeySet;
  keySource: TicketKeySource;
  /** a ticket with sensible defaults (valid for 5 minutes, random ids); `overrides` replace claims */
  issue(claims: Partial<TicketClaims> & { sha: string; src: string[] }, options?: { kid?: string }): Promise<string>;
  /** a new signing key under a new kid; tickets signed with it verify only after a JWKS refresh */
  rotate(): Promise<void>;
}

export async function createTicketAuthority(): Promise<TicketAuthority> {
  const keys: Array<{ kid: string; privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']; publicJwk: JSONWebKeySet['keys'][number] }> = [];
  const jwks: JSONWebKeySet = { keys: [] };
  const addKey = async () => {
    const { privateKey, publicKey } = await generateKeyPair(TICKET_ALGORITHM, { extractable: true });
    const kid = randomUUID();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: TICKET_ALGORITHM, use: 'sig' };
    keys.push({ kid, privateKey, publicJwk });
    jwks.keys.push(publicJwk);
  };
  await addKey();
  return {
    jwks,
    // The live set: a rotation shows up on the next (refreshing) call, as with the server's JWKS.
    keySource: async () => ({ keys: [...jwks.keys] }),
    async issue(claims, options = {}) {
      const key = options.kid ? keys.find((candidate) => candidate.kid === options.kid)! : keys.at(-1)!;
      const now = Math.floor(Date.now() / 1000);
      const full: TicketClaims = {
        iss: TICKET_ISSUER,
        typ: 'ticket',
        jti: randomUUID(),
        sub: randomUUID(),
        dun: 'downloader',
        size: 0,
        iat: now,
        exp: now + 300,
        ...claims,
      };
      return new SignJWT({ ...full }).setProtectedHeader({ alg: TICKET_ALGORITHM, kid: key.kid }).sign(key.privateKey);
    },
    async rotate() {
      await addKey();
    },
  };
}
