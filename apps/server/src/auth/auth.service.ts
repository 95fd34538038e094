import { Injectable } from '@nestjs/common';
import type { AuthResponse, ChangePasswordRequest, RegisterRequest } from '#contracts';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { AuthenticationError, ConflictError, ForbiddenError } from '../common/errors.js';
import { PrismaService } from '../database/prisma.service.js';
import type { User } from '../generated/prisma/client.js';
import { UsersRepository } from '../users/users.repository.js';
import { activeBan, toUserView, UsersService } from '../users/users.service.js';
import type { AuthUser } from './auth-user.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { CredentialLimits } from './credential-limits.js';
import { LoginSockets } from './login-sockets.js';
import { TokenService } from './token.service.js';

const PASSWORD_CHANGED = 'The account password was changed; sign in again';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly usersService: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly apiKeys: ApiKeysService,
    private readonly sockets: LoginSockets,
    private readonly prisma: PrismaService,
    private readonly limits: CredentialLimits,
  ) {}

  async register({ username, password }: RegisterRequest): Promise<AuthResponse> {
    const user = await this.users.create({ username, passwordHash: await this.hasher.hash(password) });
    if (!user) throw new ConflictError(`Username "${username}" is already taken`);
    return this.startSession(user);
  }

  /** Used by the local strategy. The message never says whether the username exists. */
  async validateCredentials(username: string, password: string): Promise<User> {
    const user = await this.users.findByUsername(username);
    const matches = await this.hasher.verify(user?.passwordHash, password);
    if (!user || !matches) throw new AuthenticationError('Invalid username or password');
    const ban = activeBan(user);
    if (ban) throw ban;
    return user;
  }

  async startSession(user: User): Promise<AuthResponse> {
    return { user: toUserView(user), ...(await this.tokens.issue(user)) };
  }

  async refresh(refreshToken: string): Promise<AuthResponse> {
    const { userId, familyId } = await this.tokens.spend(refreshToken).catch(async (error: unknown) => {
      // A ban revokes every refresh token: say it is the ban (403, reason and expiry, as login does).
      const owner = await this.tokens.ownerOf(refreshToken);
      if (owner) await this.usersService.requireActive(owner);
      throw error;
    });
    const user = await this.usersService.requireActive(userId);
    if (!user) throw new AuthenticationError('Account no longer exists');
    return { user: toUserView(user), ...(await this.tokens.issue(user, familyId)) };
  }

  logout(refreshToken: string): Promise<void> {
    return this.tokens.revoke(refreshToken);
  }

  /**
   * Changes the password and, since a password change usually means the account may be
   * compromised, ends everything else that holds it: every other login (its refresh and access
   * tokens, and its peer sockets on every node) and every API key. The login that made the change
   * stays signed in. The database changes commit together; the sockets are ended after the commit.
   */
  async changePassword(caller: AuthUser, { currentPassword, newPassword }: ChangePasswordRequest): Promise<void> {
    await this.limits.beforePasswordChange(caller.id);
    const user = await this.usersService.get(caller.id);
    if (!(await this.hasher.verify(user.passwordHash, currentPassword))) {
      throw new ForbiddenError('Current password is incorrect');
    }
    await this.limits.passwordChangeSucceeded(caller.id);
    const passwordHash = await this.hasher.hash(newPassword);
    await this.prisma.$transaction(async (tx) => {
      await this.users.updatePasswordHash(user.id, passwordHash, tx);
      await this.tokens.revokeAllForUser(user.id, caller.familyId, tx);
      await this.apiKeys.revokeAllForUser(user.id, tx);
    });
    if (caller.familyId) await this.sockets.endOtherLogins(user.id, caller.familyId, PASSWORD_CHANGED);
  }
}
