import {
  AuthResponseSchema,
  ChangePasswordRequestSchema,
  LoginRequestSchema,
  RefreshTokenRequestSchema,
  RegisterRequestSchema,
  UserViewSchema,
} from '#contracts';
import { namedSchema } from '../common/openapi.js';
import { zodDto } from '../common/zod-dto.js';

export class RegisterDto extends zodDto(RegisterRequestSchema) {}
export class LoginDto extends zodDto(LoginRequestSchema) {}
export class RefreshTokenDto extends zodDto(RefreshTokenRequestSchema) {}
export class ChangePasswordDto extends zodDto(ChangePasswordRequestSchema) {}

export const AUTH_RESPONSE = namedSchema('AuthResponse', AuthResponseSchema);
export const USER_VIEW = namedSchema('User', UserViewSchema);
