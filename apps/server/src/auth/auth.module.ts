import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { AppConfig } from '../config/app-config.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { AccessGuard } from './guards/access.guard.js';
import { LoginSockets } from './login-sockets.js';
import { CredentialLimits } from './credential-limits.js';
import { LocalAuthGuard, RegisterRateLimitGuard } from './guards/login.guards.js';
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
    RealtimeModule,
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
    LoginSockets,
    RefreshTokenRepository,
    LocalStrategy,
    JwtStrategy,
    CredentialLimits,
    RegisterRateLimitGuard,
    LocalAuthGuard,
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [TokenService],
})
export class AuthModule {}
