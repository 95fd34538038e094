import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import { type ApiKey, Prisma } from '../generated/prisma/client.js';

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Creates the key unless its owner has `cap` keys already; undefined then. The owner's row is
   * locked while counting, so concurrent creations are counted one after the other.
   */
  createWithinCap(key: { id: string; userId: string; name: string; prefix: string; keyHash: string }, cap: number): Promise<ApiKey | undefined> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw(Prisma.sql`SELECT 1 FROM users WHERE id = ${key.userId}::uuid FOR UPDATE`);
      if ((await tx.apiKey.count({ where: { userId: key.userId } })) >= cap) return undefined;
      return tx.apiKey.create({ data: key });
    });
  }

  listForUser(userId: string) {
    return this.prisma.apiKey.findMany({ where: { userId }, orderBy: { createdAt: 'asc' } });
  }

  findByHash(keyHash: string) {
    return this.prisma.apiKey.findUnique({ where: { keyHash } });
  }

  async deleteForUser(id: string, userId: string): Promise<boolean> {
    const { count } = await this.prisma.apiKey.deleteMany({ where: { id, userId } });
    return count === 1;
  }

  deleteAllForUser(userId: string, db: Prisma.TransactionClient = this.prisma) {
    return db.apiKey.deleteMany({ where: { userId } });
  }

  /** Records use at most once a minute per key, so heavy API traffic does not write on every request. */
  markUsed(id: string) {
    return this.prisma.apiKey.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(Date.now() - 60_000) } }] },
      data: { lastUsedAt: new Date() },
    });
  }
}
