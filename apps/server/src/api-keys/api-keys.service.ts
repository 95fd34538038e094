import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ApiKeyView, CreatedApiKey } from '#contracts';
import type { AuthUser } from '../auth/auth-user.js';
import { AuthenticationError, ConflictError, NotFoundError } from '../common/errors.js';
import type { ApiKey, Prisma } from '../generated/prisma/client.js';
import { UsersService } from '../users/users.service.js';
import { ApiKeysRepository } from './api-keys.repository.js';

/** Keys look like `pdx_<43 characters>`; the prefix makes them recognisable in logs and configs. */
export const API_KEY_PREFIX = 'pdx_';
const MAX_KEYS_PER_USER = 20;

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly users: UsersService,
  ) {}

  async create(owner: AuthUser, name: string): Promise<CreatedApiKey> {
    const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const created = await this.keys.createWithinCap(
      { id: randomUUID(), userId: owner.id, name, prefix: key.slice(0, 12), keyHash: hashKey(key) },
      MAX_KEYS_PER_USER,
    );
    if (!created) throw new ConflictError(`At most ${MAX_KEYS_PER_USER} API keys per account; delete one first`);
    return { ...toView(created), key };
  }

  async list(owner: AuthUser): Promise<ApiKeyView[]> {
    return (await this.keys.listForUser(owner.id)).map(toView);
  }

  async remove(owner: AuthUser, id: string): Promise<void> {
    if (!(await this.keys.deleteForUser(id, owner.id))) throw new NotFoundError('No such API key');
  }

  /** Every key of the user stops working (a password change); pass the caller's transaction. */
  async revokeAllForUser(userId: string, db?: Prisma.TransactionClient): Promise<void> {
    await this.keys.deleteAllForUser(userId, db);
  }

  /** The caller behind a presented key (the API-key strategy). */
  async authenticate(key: string): Promise<AuthUser> {
    const record = key.startsWith(API_KEY_PREFIX) ? await this.keys.findByHash(hashKey(key)) : null;
    if (!record) throw new AuthenticationError('Invalid API key');
    const user = await this.users.requireActive(record.userId);
    if (!user) throw new AuthenticationError('Invalid API key');
    await this.keys.markUsed(record.id);
    return { id: user.id, username: user.username, role: user.role, via: 'api-key' };
  }
}

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function toView(key: ApiKey): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
  };
}
