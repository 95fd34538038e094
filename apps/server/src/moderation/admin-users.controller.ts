import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AdminUserView, Page } from '#contracts';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { ApiError, ApiErrors } from '../common/openapi.js';
import { AdminUsersService } from './admin-users.service.js';
import { ADMIN_USER_PAGE, ADMIN_USER_VIEW, AdminUserQueryDto, BanDto, IdParamDto, RoleChangeDto } from './dto.js';

const MODERATOR_LIMITS = 'The caller is not a moderator or admin, is banned, or acts on themselves; moderators act on plain users only';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('moderator', 'admin')
@Controller('admin/users')
@ApiErrors(400, 401, 503)
@ApiError(403, 'The caller is not a moderator or admin, or is banned')
export class AdminUsersController {
  constructor(private readonly users: AdminUsersService) {}

  @Get()
  @ApiOperation({ summary: 'List users by username; q filters by a case-insensitive substring' })
  @ApiOkResponse({ description: 'One page of users', schema: ADMIN_USER_PAGE })
  list(@Query() query: AdminUserQueryDto): Promise<Page<AdminUserView>> {
    return this.users.list(query);
  }

  @Post(':id/ban')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ban a user (until a future time, or permanently) and sign out all their logins; audited as user.ban' })
  @ApiOkResponse({ description: 'The user, now banned', schema: ADMIN_USER_VIEW })
  @ApiErrors(413)
  @ApiError(403, MODERATOR_LIMITS)
  @ApiError(404, 'No user has this id')
  ban(@CurrentUser() actor: AuthUser, @Param() { id }: IdParamDto, @Body() body: BanDto): Promise<AdminUserView> {
    return this.users.ban(actor, id, body);
  }

  @Post(':id/unban')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lift a ban; audited as user.unban' })
  @ApiOkResponse({ description: 'The user, no longer banned', schema: ADMIN_USER_VIEW })
  @ApiError(403, MODERATOR_LIMITS)
  @ApiError(404, 'No user has this id')
  @ApiError(409, 'The user is not banned')
  unban(@CurrentUser() actor: AuthUser, @Param() { id }: IdParamDto): Promise<AdminUserView> {
    return this.users.unban(actor, id);
  }

  @Patch(':id/role')
  @Roles('admin')
  @ApiOperation({ summary: 'Change a user’s role (admins only); audited as user.role' })
  @ApiOkResponse({ description: 'The user with the new role', schema: ADMIN_USER_VIEW })
  @ApiErrors(413)
  @ApiError(403, 'The caller is not an admin, is banned, or acts on themselves')
  @ApiError(404, 'No user has this id')
  @ApiError(409, 'The user has this role already')
  changeRole(@CurrentUser() actor: AuthUser, @Param() { id }: IdParamDto, @Body() body: RoleChangeDto): Promise<AdminUserView> {
    return this.users.changeRole(actor, id, body.role);
  }
}
