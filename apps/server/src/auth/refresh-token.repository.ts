import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { Prisma } from '../generated/prisma/client.js';

type Db = PrismaService | Prisma.TransactionClient;

@Injectable()
export class RefreshTokenRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(token: { id: string; userId: string; familyId: string; secretHash: string; expiresAt: Date }) {
    return this.prisma.refreshToken.create({ data: token });
  }

  findById(id: string) {
    return this.prisma.refreshToken.findUnique({ where: { id } });
  }

  /** Marks the token used; false when another request rotated it first. */
  async markRotated(id: string): Promise<boolean> {
    const { count } = await this.prisma.refreshToken.updateMany({
      where: { id, rotatedAt: null, revokedAt: null },
      data: { rotatedAt: new Date() },
    });
    return count === 1;
  }

  revokeFamily(familyId: string) {
    return this.prisma.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: new Date() } });
  }

  /**
   * A login is signed out once any token of its family is revoked: revocation marks them all, and
   * a token a racing refresh issued after that does not bring the login back. One probe of the
   * family_id index.
   */
  async isFamilyRevoked(familyId: string): Promise<boolean> {
    const revoked = await this.prisma.refreshToken.findFirst({ where: { familyId, revokedAt: { not: null } }, select: { id: true } });
    return revoked !== null;
  }

  revokeAllForUser(userId: string, exceptFamilyId?: string, db: Db = this.prisma) {
    return db.refreshToken.updateMany({
      where: { userId, revokedAt: null, ...(exceptFamilyId ? { familyId: { not: exceptFamilyId } } : {}) },
      data: { revokedAt: new Date() },
    });
  }
}
