import { Body, Controller, Header, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthResponse } from '#contracts';
import { ApiErrors } from '../common/openapi.js';
import type { User } from '../generated/prisma/client.js';
import { AuthService } from './auth.service.js';
import { CurrentUser, Public } from './decorators.js';
import { AUTH_RESPONSE, LoginDto, RefreshTokenDto, RegisterDto } from './dto.js';
import { LocalAuthGuard, RegisterRateLimitGuard } from './guards/login.guards.js';

/** Answers carrying tokens must not be kept by any cache. */
export const NO_STORE = 'no-store';

@ApiTags('auth')
@Public()
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @Header('Cache-Control', NO_STORE)
  @UseGuards(RegisterRateLimitGuard)
  @ApiCreatedResponse({ description: 'Account created and signed in', schema: AUTH_RESPONSE })
  @ApiErrors(400, 409, 413, 429)
  register(@Body() body: RegisterDto): Promise<AuthResponse> {
    return this.auth.register(body);
  }

  @Post('login')
  @Header('Cache-Control', NO_STORE)
  @HttpCode(200)
  @UseGuards(LocalAuthGuard)
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ description: 'Signed in', schema: AUTH_RESPONSE })
  @ApiErrors(400, 401, 403, 429)
  login(@CurrentUser() user: User): Promise<AuthResponse> {
    return this.auth.startSession(user);
  }

  @Post('refresh')
  @Header('Cache-Control', NO_STORE)
  @HttpCode(200)
  @ApiOkResponse({ description: 'A new token pair; the presented refresh token is spent', schema: AUTH_RESPONSE })
  @ApiErrors(400, 401, 403)
  refresh(@Body() body: RefreshTokenDto): Promise<AuthResponse> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({
    description:
      'The login this refresh token belongs to is signed out: its refresh and access tokens stop working and its peer ' +
      'sockets are disconnected. API keys are not affected (a password change revokes them).',
  })
  @ApiErrors(400)
  logout(@Body() body: RefreshTokenDto): Promise<void> {
    return this.auth.logout(body.refreshToken);
  }
}
