import { Injectable, type OnModuleInit } from '@nestjs/common';
import { SignJWT, calculateJwkThumbprint } from 'jose';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { TICKET_ALGORITHM, TICKET_ISSUER, type TicketClaims, type TicketKeySet } from '#contracts';
import { AppConfig } from '../config/app-config.js';

type UnsignedClaims = Omit<TicketClaims, 'iss' | 'typ' | 'iat' | 'exp'>;

/**
 * Signs transfer tickets with the server's Ed25519 key and publishes the public half as a JWKS.
 * Peers verify tickets offline with it, so the server never sits in a transfer's path.
 */
@Injectable()
export class TicketSigner implements OnModuleInit {
  private privateKey!: KeyObject;
  private keySet!: TicketKeySet;
  private kid!: string;

  constructor(private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    this.privateKey = createPrivateKey(this.config.requireTicketSigningKey());
    if (this.privateKey.asymmetricKeyType !== 'ed25519') throw new Error('TICKET_SIGNING_KEY must be an Ed25519 key');
    const jwk = createPublicKey(this.privateKey).export({ format: 'jwk' }) as { kty: 'OKP'; crv: 'Ed25519'; x: string };
    this.kid = await calculateJwkThumbprint(jwk);
    this.keySet = { keys: [{ kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid: this.kid, alg: 'EdDSA', use: 'sig' }] };
  }

  get publicKeys(): TicketKeySet {
    return this.keySet;
  }

  async sign(claims: UnsignedClaims): Promise<{ ticket: string; expiresAt: Date }> {
    const expiresAt = new Date(Date.now() + this.config.ticketTtlMs);
    const ticket = await new SignJWT({ typ: 'ticket', ...claims })
      .setProtectedHeader({ alg: TICKET_ALGORITHM, kid: this.kid })
      .setIssuer(TICKET_ISSUER)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.privateKey);
    return { ticket, expiresAt };
  }
}
