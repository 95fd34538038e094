import { Injectable } from '@nestjs/common';
import type { AuthResponse, ChangePasswordRequest, RegisterRequest } from '#contracts';
import { AuthenticationError, ConflictError, ForbiddenError } from '../common/errors.js';
import type { User } from '../generated/prisma/client.js';
import { UsersRepository } from '../users/users.repository.js';
import { activeBan, toUserView, UsersService } from '../users/users.service.js';
import type { AuthUser } from './auth-user.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { TokenService } from './token.service.js';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly usersService: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
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

  /** Changes the password and signs out every other login of this user. */
  async changePassword(caller: AuthUser, { currentPassword, newPassword }: ChangePasswordRequest): Promise<void> {
    const user = await this.usersService.get(caller.id);
    if (!(await this.hasher.verify(user.passwordHash, currentPassword))) {
      throw new ForbiddenError('Current password is incorrect');
    }
    await this.users.updatePasswordHash(user.id, await this.hasher.hash(newPassword));
    await this.tokens.revokeAllForUser(user.id, caller.familyId);
  }
}
