import { Body, Controller, Get, HttpCode, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { UserView } from '#contracts';
import { ApiError, ApiErrors } from '../common/openapi.js';
import { toUserView, UsersService } from '../users/users.service.js';
import type { AuthUser } from './auth-user.js';
import { AuthService } from './auth.service.js';
import { CurrentUser } from './decorators.js';
import { ChangePasswordDto, USER_VIEW } from './dto.js';

@ApiTags('me')
@ApiBearerAuth()
@Controller('me')
@ApiErrors(401, 503)
@ApiError(403, 'The account is banned')
export class MeController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ description: 'The caller', schema: USER_VIEW })
  async me(@CurrentUser() caller: AuthUser): Promise<UserView> {
    return toUserView(await this.users.get(caller.id));
  }

  @Patch('password')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Change the password',
    description:
      'A password change usually means the account may be compromised, so it also signs out every other login of ' +
      'this user (their refresh and access tokens stop working and their peer sockets are disconnected) and revokes ' +
      'ALL of the user’s API keys. The login that made the change stays signed in.',
  })
  @ApiNoContentResponse({ description: 'Password changed; every other login and every API key of this user is revoked' })
  @ApiErrors(400, 413, 429)
  @ApiError(403, 'The current password is wrong, or the account is banned')
  changePassword(@CurrentUser() caller: AuthUser, @Body() body: ChangePasswordDto): Promise<void> {
    return this.auth.changePassword(caller, body);
  }
}
