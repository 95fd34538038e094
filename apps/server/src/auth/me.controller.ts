import { Body, Controller, Get, HttpCode, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { UserView } from '#contracts';
import { ApiErrors } from '../common/openapi.js';
import { toUserView, UsersService } from '../users/users.service.js';
import type { AuthUser } from './auth-user.js';
import { AuthService } from './auth.service.js';
import { CurrentUser } from './decorators.js';
import { ChangePasswordDto, USER_VIEW } from './dto.js';

@ApiTags('me')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Get()
  @ApiOkResponse({ schema: USER_VIEW })
  @ApiErrors(401, 403)
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
  @ApiErrors(400, 401, 403, 429)
  changePassword(@CurrentUser() caller: AuthUser, @Body() body: ChangePasswordDto): Promise<void> {
    return this.auth.changePassword(caller, body);
  }
}
