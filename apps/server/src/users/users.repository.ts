import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma, type Role } from '../generated/prisma/client.js';

export function usernameKey(username: string): string {
  return username.toLowerCase();
}

@Injectable()
export class UsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  findById(id: string) {
    return this.prisma.user.findUnique({ where: { id } });
  }

  findByUsername(username: string) {
    return this.prisma.user.findUnique({ where: { usernameKey: usernameKey(username) } });
  }

  /** Returns undefined when the username is taken (case-insensitively). */
  async create(data: { username: string; passwordHash: string; role?: Role }) {
    try {
      return await this.prisma.user.create({ data: { ...data, usernameKey: usernameKey(data.username) } });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return undefined;
      throw error;
    }
  }

  updatePasswordHash(id: string, passwordHash: string, db: Prisma.TransactionClient = this.prisma) {
    return db.user.update({ where: { id }, data: { passwordHash } });
  }

  countAdmins() {
    return this.prisma.user.count({ where: { role: 'admin' } });
  }
}
