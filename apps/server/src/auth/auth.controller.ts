import { Body, Controller, Header, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthResponse } from '#contracts';
import { ApiError, ApiErrors } from '../common/openapi.js';
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
@ApiErrors(400, 413, 503)
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @Header('Cache-Control', NO_STORE)
  @UseGuards(RegisterRateLimitGuard)
  @ApiOperation({ summary: 'Create an account and sign in', security: [] })
  @ApiCreatedResponse({ description: 'Account created and signed in', schema: AUTH_RESPONSE })
  @ApiError(409, 'The username is taken')
  @ApiErrors(429)
  register(@Body() body: RegisterDto): Promise<AuthResponse> {
    return this.auth.register(body);
  }

  @Post('login')
  @Header('Cache-Control', NO_STORE)
  @HttpCode(200)
  @UseGuards(LocalAuthGuard)
  @ApiOperation({ summary: 'Sign in with a username and password', security: [] })
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ description: 'Signed in', schema: AUTH_RESPONSE })
  @ApiError(401, 'Wrong username or password')
  @ApiError(403, 'The account is banned; the message says until when and why')
  @ApiErrors(429)
  login(@CurrentUser() user: User): Promise<AuthResponse> {
    return this.auth.startSession(user);
  }

  @Post('refresh')
  @Header('Cache-Control', NO_STORE)
  @HttpCode(200)
  @ApiOperation({ summary: 'Trade a refresh token for a new token pair', security: [] })
  @ApiOkResponse({ description: 'A new token pair; the presented refresh token is spent', schema: AUTH_RESPONSE })
  @ApiError(401, 'The refresh token is unknown, expired or revoked, or was spent already (which signs out that whole login)')
  @ApiError(403, 'The account is banned; the message says until when and why')
  refresh(@Body() body: RefreshTokenDto): Promise<AuthResponse> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out the login a refresh token belongs to', security: [] })
  @ApiNoContentResponse({
    description:
      'The login this refresh token belongs to is signed out: its refresh and access tokens stop working and its peer ' +
      'sockets are disconnected. API keys are not affected (a password change revokes them). An unknown or spent token is not an error.',
  })
  logout(@Body() body: RefreshTokenDto): Promise<void> {
    return this.auth.logout(body.refreshToken);
  }
}
