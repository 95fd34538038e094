import {
  AuthResponseSchema,
  ChangePasswordRequestSchema,
  LoginRequestSchema,
  RefreshTokenRequestSchema,
  RegisterRequestSchema,
  UserViewSchema,
} from '#contracts';
import { toJsonSchema, zodDto } from '../common/zod-dto.js';

export class RegisterDto extends zodDto(RegisterRequestSchema) {}
export class LoginDto extends zodDto(LoginRequestSchema) {}
export class RefreshTokenDto extends zodDto(RefreshTokenRequestSchema) {}
export class ChangePasswordDto extends zodDto(ChangePasswordRequestSchema) {}

export const AUTH_RESPONSE = toJsonSchema(AuthResponseSchema);
export const USER_VIEW = toJsonSchema(UserViewSchema);
