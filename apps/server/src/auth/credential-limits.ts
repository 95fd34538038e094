import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { RateLimitService } from '../rate-limit/rate-limit.service.js';
import { usernameKey } from '../users/users.repository.js';

const ATTEMPTS_BY_ADDRESS = 'auth-ip';
const FAILED_LOGINS_BY_USERNAME_AND_ADDRESS = 'auth-username-address';
const FAILED_LOGINS_BY_USERNAME = 'auth-username';
const FAILED_PASSWORD_CHANGES_BY_USER = 'auth-password-change';

/**
 * Limits on guessing credentials (OWASP ASVS 2.2.1), shared by every node through Redis when set:
 *
 * - register and login attempts per client address (anti-automation);
 * - failed logins per username from one address: a guesser is stopped there while the owner,
 *   from their own address, still signs in;
 * - failed logins per username from every address together, a slower limit (100 an hour by
 *   default) against guessing spread over many addresses;
 * - wrong current passwords per account at PATCH /me/password.
 *
 * Failures are what count, but every attempt is counted before it is checked (so a burst of
 * parallel guesses cannot slip past) and given back when it succeeds.
 */
@Injectable()
export class CredentialLimits implements OnModuleInit {
  constructor(
    private readonly limits: RateLimitService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const { perIp, perUsernameAndAddress, perUsername } = this.config.authRateLimit;
    this.limits.define(ATTEMPTS_BY_ADDRESS, { ...perIp, what: 'Too many sign-in attempts from this address' });
    this.limits.define(FAILED_LOGINS_BY_USERNAME_AND_ADDRESS, { ...perUsernameAndAddress, what: 'Too many sign-in attempts for this username' });
    this.limits.define(FAILED_LOGINS_BY_USERNAME, { ...perUsername, what: 'Too many sign-in attempts for this username' });
    this.limits.define(FAILED_PASSWORD_CHANGES_BY_USER, { ...this.config.passwordChangeRateLimit, what: 'Too many password changes with a wrong current password' });
  }

  /** Before a registration: throws 429 past the per-address limit. */
  async beforeRegister(address: string): Promise<void> {
    await this.limits.consume(ATTEMPTS_BY_ADDRESS, address);
  }

  /** Before a login's password is checked: throws 429 past any of the sign-in limits. */
  async beforeLogin(address: string, username: string): Promise<void> {
    await this.limits.consume(ATTEMPTS_BY_ADDRESS, address);
    await this.limits.consume(FAILED_LOGINS_BY_USERNAME_AND_ADDRESS, pairKey(address, username));
    await this.limits.consume(FAILED_LOGINS_BY_USERNAME, usernameKey(username));
  }

  /** The owner signed in: their address starts afresh, and the attempt was no guess. */
  async loginSucceeded(address: string, username: string): Promise<void> {
    await this.limits.reset(FAILED_LOGINS_BY_USERNAME_AND_ADDRESS, pairKey(address, username));
    await this.limits.refund(FAILED_LOGINS_BY_USERNAME, usernameKey(username));
  }

  async beforePasswordChange(userId: string): Promise<void> {
    await this.limits.consume(FAILED_PASSWORD_CHANGES_BY_USER, userId);
  }

  async passwordChangeSucceeded(userId: string): Promise<void> {
    await this.limits.reset(FAILED_PASSWORD_CHANGES_BY_USER, userId);
  }
}

function pairKey(address: string, username: string): string {
  return JSON.stringify([address, usernameKey(username)]);
}
