import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { Prisma } from '../generated/prisma/client.js';

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(key: { id: string; userId: string; name: string; prefix: string; keyHash: string }) {
    return this.prisma.apiKey.create({ data: key });
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
