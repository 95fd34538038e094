import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import type { PrismaService } from '../apps/server/src/database/prisma.service.js';
import type { HttpClient } from './support/http.js';
import { withNote } from './support/with-note.js';

export const API = '/api/v1';
export const ADMIN = { username: 'admin', password: 'admin-password' };

export interface Account {
  id: string;
  username: string;
  token: string;
  refreshToken: string;
}

export async function signIn(http: HttpClient, username: string, password: string): Promise<Account> {
  const response = await http.post(`${API}/auth/login`, { username, password });
  withNote(JSON.stringify(response.body), () => expect(response.status).toBe(200));
  return { id: response.body.user.id, username: response.body.user.username, token: response.body.accessToken, refreshToken: response.body.refreshToken };
}

export async function register(http: HttpClient, username: string, password = `${username} password`): Promise<Account> {
  const response = await http.post(`${API}/auth/register`, { username, password });
  withNote(JSON.stringify(response.body), () => expect(response.status).toBe(201));
  return { id: response.body.user.id, username, token: response.body.accessToken, refreshToken: response.body.refreshToken };
}

/** A new account given `role` by the admin (roles are read per request, so its token works as is). */
export async function accountWithRole(http: HttpClient, admin: Account, username: string, role: 'moderator' | 'admin'): Promise<Account> {
  const account = await register(http, username);
  const changed = await http.patch(`${API}/admin/users/${account.id}/role`, { role }, { token: admin.token });
  withNote(JSON.stringify(changed.body), () => expect(changed.status).toBe(200));
  return account;
}

/** Many accounts sign in from one address in these tests. */
export const TEST_ENV = { AUTH_RATE_LIMIT_PER_IP: '10000' };

/** A connected peer as presence will record it: one row of peer_sessions. */
export async function addPeerSession(prisma: PrismaService, userId: string): Promise<string> {
  const id = randomUUID();
  await prisma.peerSession.create({ data: { id, userId, nodeId: 'test-node' } });
  return id;
}

/** A file in the share index under `name`, as the share module will write it. */
export async function addSharedFile(prisma: PrismaService, sha256: string, name: string): Promise<void> {
  await prisma.sharedFile.create({
    data: { listId: randomUUID(), generation: 0, path: `music/${name}`, name, words: [], size: 1234n, sha256, ext: 'mp3', type: 'audio' },
  });
}

export function randomSha256(): string {
  return randomBytes(32).toString('hex');
}

export function auditCount(prisma: PrismaService): Promise<number> {
  return prisma.auditLogEntry.count();
}
