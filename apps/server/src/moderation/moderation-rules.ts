import type { Role } from '#contracts';
import { ForbiddenError, InvalidInputError } from '../common/errors.js';

export interface Party {
  id: string;
  role: Role;
}

export type UserAction = 'ban' | 'unban' | 'role' | 'kick';

const SELF_REFUSALS: Record<UserAction, string> = {
  ban: 'You cannot ban yourself',
  unban: 'You cannot lift your own ban',
  role: 'You cannot change your own role',
  kick: 'You cannot kick your own session; disconnect it instead',
};

/**
 * Who may act on whom (docs/moderation.md):
 * - nobody acts on themselves: no self-ban, and no self-demotion, which also means the acting
 *   admin always remains, so the last admin cannot disappear through this API;
 * - moderators act on plain users only, never on other moderators or on admins;
 * - admins act on anyone else, and only admins change roles.
 */
export function assertMayActOn(actor: Party, target: Party, action: UserAction): void {
  if (actor.id === target.id) throw new ForbiddenError(SELF_REFUSALS[action]);
  if (actor.role === 'user') throw new ForbiddenError('This action requires the moderator or admin role');
  if (action === 'role' && actor.role !== 'admin') throw new ForbiddenError('Only admins can change roles');
  if (actor.role === 'moderator' && target.role !== 'user') {
    throw new ForbiddenError(`Moderators can only act on plain users; this account is ${article(target.role)} ${target.role}`);
  }
}

/** A ban's end must lie in the future; none means permanent. */
export function banEnd(until: string | undefined, now = new Date()): Date | null {
  if (until === undefined) return null;
  const end = new Date(until);
  if (!(end.getTime() > now.getTime())) {
    throw new InvalidInputError([{ field: 'until', message: 'must be in the future (leave it out for a permanent ban)' }]);
  }
  return end;
}

function article(role: Role): string {
  return role === 'admin' ? 'an' : 'a';
}
