import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AdminUserView, Page } from '#contracts';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { ApiErrors } from '../common/openapi.js';
import { AdminUsersService } from './admin-users.service.js';
import { ADMIN_USER_PAGE, ADMIN_USER_VIEW, AdminUserQueryDto, BanDto, IdParamDto, RoleChangeDto } from './dto.js';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('moderator', 'admin')
@Controller('admin/users')
export class AdminUsersController {
  constructor(private readonly users: AdminUsersService) {}

  @Get()
  @ApiOperation({ summary: 'List users by username; q filters by a case-insensitive substring' })
  @ApiOkResponse({ schema: ADMIN_USER_PAGE })
  @ApiErrors(400, 401, 403)
  list(@Query() query: AdminUserQueryDto): Promise<Page<AdminUserView>> {
    return this.users.list(query);
  }

  @Post(':id/ban')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ban a user (until a future time, or permanently) and sign out all their logins; audited as user.ban' })
  @ApiOkResponse({ description: 'The user, now banned', schema: ADMIN_USER_VIEW })
  @ApiErrors(400, 401, 403, 404)
  ban(@CurrentUser() actor: AuthUser, @Param() { id }: IdParamDto, @Body() body: BanDto): Promise<AdminUserView> {
    return this.users.ban(actor, id, body);
  }

  @Post(':id/unban')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lift a ban; audited as user.unban' })
  @ApiOkResponse({ description: 'The user, no longer banned', schema: ADMIN_USER_VIEW })
  @ApiErrors(400, 401, 403, 404, 409)
  unban(@CurrentUser() actor: AuthUser, @Param() { id }: IdParamDto): Promise<AdminUserView> {
    return this.users.unban(actor, id);
  }

  @Patch(':id/role')
  @Roles('admin')
  @ApiOperation({ summary: 'Change a user’s role (admins only); audited as user.role' })
  @ApiOkResponse({ description: 'The user with the new role', schema: ADMIN_USER_VIEW })
  @ApiErrors(400, 401, 403, 404, 409)
  changeRole(@CurrentUser() actor: AuthUser, @Param() { id }: IdParamDto, @Body() body: RoleChangeDto): Promise<AdminUserView> {
    return this.users.changeRole(actor, id, body.role);
  }
}
