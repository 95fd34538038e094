import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import type { AuthUser } from '../auth/auth-user.js';
import { API_KEY_PREFIX, ApiKeysService } from './api-keys.service.js';

/** `X-API-Key: <key>` or `Authorization: Bearer <key>`. */
export function presentedApiKey(request: Request): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header) return header;
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  return bearer?.startsWith(API_KEY_PREFIX) ? bearer : undefined;
}

@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, 'api-key') {
  constructor(private readonly keys: ApiKeysService) {
    super();
  }

  validate(request: Request): Promise<AuthUser> {
    return this.keys.authenticate(presentedApiKey(request) ?? '');
  }
}
