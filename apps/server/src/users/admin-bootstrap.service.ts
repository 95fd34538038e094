import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';
import { PasswordHasher } from './password-hasher.js';
import { UsersRepository } from './users.repository.js';

/**
 * A fresh installation needs someone who can moderate: when no admin exists, one is created from
 * ADMIN_USERNAME / ADMIN_PASSWORD, or with a generated password printed once to the log.
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminBootstrap');
  /** set when this start created the admin with a generated password; main.ts prints it in the banner */
  generatedPassword: string | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if ((await this.users.countAdmins()) > 0) return;
    const { username } = this.config.admin;
    const password = this.config.admin.password ?? randomBytes(18).toString('base64url');
    const passwordHash = await this.hasher.hash(password);
    const created = await this.users.create({ username, passwordHash, role: 'admin' });
    if (!created) {
      // Another node won the race, or a non-admin already holds the name.
      this.logger.warn(`No admin exists and username "${username}" is taken; set ADMIN_USERNAME to create one`);
      return;
    }
    if (this.config.admin.password) {
      this.logger.log(`Created admin account "${username}" from ADMIN_PASSWORD`);
    } else {
      // The password goes to the start-up banner, not into log files and collectors.
      this.generatedPassword = password;
      this.logger.warn(`Created admin account "${username}" with a generated password, shown once in the start-up banner; change it`);
    }
  }
}
