import { Module, type OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { AppConfig } from '../config/app-config.js';
import { RateLimitService } from '../rate-limit/rate-limit.service.js';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { AccessGuard } from './guards/access.guard.js';
import { LoginSocketsGateway } from './login-sockets.gateway.js';
import { AUTH_BY_IP, AUTH_BY_USERNAME, AuthRateLimitGuard, LocalAuthGuard } from './guards/login.guards.js';
import { RolesGuard } from './guards/roles.guard.js';
import { MeController } from './me.controller.js';
import { RefreshTokenRepository } from './refresh-token.repository.js';
import { JwtStrategy } from './strategies/jwt.strategy.js';
import { LocalStrategy } from './strategies/local.strategy.js';
import { TokenService } from './token.service.js';

@Module({
  imports: [
    UsersModule,
    ApiKeysModule,
    PassportModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ secret: config.requireJwtSecret(), signOptions: { algorithm: 'HS256' } }),
    }),
  ],
  controllers: [AuthController, MeController],
  providers: [
    AuthService,
    TokenService,
    LoginSocketsGateway,
    RefreshTokenRepository,
    LocalStrategy,
    JwtStrategy,
    AuthRateLimitGuard,
    LocalAuthGuard,
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [TokenService],
})
export class AuthModule implements OnModuleInit {
  constructor(
    private readonly limits: RateLimitService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const { perIp, perUsername, windowMs } = this.config.authRateLimit;
    this.limits.define(AUTH_BY_IP, { points: perIp, windowMs, what: 'Too many sign-in attempts from this address' });
    this.limits.define(AUTH_BY_USERNAME, { points: perUsername, windowMs, what: 'Too many sign-in attempts for this username' });
  }
}
