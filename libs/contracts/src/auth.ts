import { z } from 'zod';

export const ROLES = ['user', 'moderator', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const UsernameSchema = z
  .string()
  .min(3, 'must be 3 to 32 characters')
  .max(32, 'must be 3 to 32 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'may contain only letters, digits, "_", "." and "-"');

export const NewPasswordSchema = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(1024, 'must be at most 1024 characters');

/** Passwords being checked rather than set: no length policy, so old accounts can still log in. */
const PresentedPasswordSchema = z.string().min(1, 'is required').max(1024, 'must be at most 1024 characters');

export const RegisterRequestSchema = z.strictObject({ username: UsernameSchema, password: NewPasswordSchema });
export type RegisterRequest = z.infer<typeof RegisterRequestSchema>;

export const LoginRequestSchema = z.strictObject({
  username: z.string().min(1, 'is required').max(64, 'must be at most 64 characters'),
  password: PresentedPasswordSchema,
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

export const RefreshTokenRequestSchema = z.strictObject({
  refreshToken: z.string().min(1, 'is required').max(512, 'must be at most 512 characters'),
});
export type RefreshTokenRequest = z.infer<typeof RefreshTokenRequestSchema>;

export const ChangePasswordRequestSchema = z.strictObject({
  currentPassword: PresentedPasswordSchema,
  newPassword: NewPasswordSchema,
});
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequestSchema>;

export const UserViewSchema = z.object({
  id: z.uuid(),
  username: z.string(),
  role: RoleSchema,
  createdAt: z.iso.datetime(),
});
export type UserView = z.infer<typeof UserViewSchema>;

export const AuthResponseSchema = z.object({
  user: UserViewSchema,
  accessToken: z.string(),
  /** seconds until the access token expires */
  accessTokenExpiresIn: z.number().int(),
  refreshToken: z.string(),
});
export type AuthResponse = z.infer<typeof AuthResponseSchema>;

export const ApiKeyCreateSchema = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
});
export type ApiKeyCreate = z.infer<typeof ApiKeyCreateSchema>;

export interface ApiKeyView {
  id: string;
  name: string;
  /** the key's first characters, to tell keys apart */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** Returned once, at creation: the only time the key itself is shown. */
export interface CreatedApiKey extends ApiKeyView {
  key: string;
}
