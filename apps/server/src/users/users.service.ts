import { Injectable } from '@nestjs/common';
import type { UserView } from '#contracts';
import { BannedError, NotFoundError } from '../common/errors.js';
import type { User } from '../generated/prisma/client.js';
import { UsersRepository } from './users.repository.js';

export function toUserView(user: User): UserView {
  return { id: user.id, username: user.username, role: user.role, createdAt: user.createdAt.toISOString() };
}

/** A ban is in force from bannedAt until bannedUntil (or for good when that is null). */
export function activeBan(user: User, now = new Date()): BannedError | undefined {
  if (!user.bannedAt) return undefined;
  if (user.bannedUntil && user.bannedUntil <= now) return undefined;
  return new BannedError(user.banReason ?? 'no reason given', user.bannedUntil);
}

@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  async get(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundError('User not found');
    return user;
  }

  /** The user behind a credential, if the account still exists and is not banned. */
  async requireActive(id: string): Promise<User | undefined> {
    const user = await this.users.findById(id);
    if (!user) return undefined;
    const ban = activeBan(user);
    if (ban) throw ban;
    return user;
  }
}
