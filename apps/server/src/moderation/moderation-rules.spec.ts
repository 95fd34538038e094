import { describe, expect, it } from '@jest/globals';
import { ForbiddenError, InvalidInputError } from '../common/errors.js';
import { assertMayActOn, banEnd, type Party } from './moderation-rules.js';

const admin: Party = { id: 'a1', role: 'admin' };
const otherAdmin: Party = { id: 'a2', role: 'admin' };
const moderator: Party = { id: 'm1', role: 'moderator' };
const otherModerator: Party = { id: 'm2', role: 'moderator' };
const user: Party = { id: 'u1', role: 'user' };

describe('assertMayActOn', () => {
  it('refuses acting on oneself, whatever the role', () => {
    expect(() => assertMayActOn(admin, admin, 'ban')).toThrow(new ForbiddenError('You cannot ban yourself'));
    expect(() => assertMayActOn(admin, admin, 'role')).toThrow(new ForbiddenError('You cannot change your own role'));
    expect(() => assertMayActOn(moderator, moderator, 'unban')).toThrow(ForbiddenError);
  });

  it('lets moderators act on plain users only', () => {
    expect(() => assertMayActOn(moderator, user, 'ban')).not.toThrow();
    expect(() => assertMayActOn(moderator, user, 'unban')).not.toThrow();
    expect(() => assertMayActOn(moderator, otherModerator, 'ban')).toThrow(/only act on plain users; this account is a moderator/);
    expect(() => assertMayActOn(moderator, admin, 'unban')).toThrow(/this account is an admin/);
  });

  it('keeps role changes to admins, who may act on anyone else', () => {
    expect(() => assertMayActOn(moderator, user, 'role')).toThrow(new ForbiddenError('Only admins can change roles'));
    for (const target of [user, moderator, otherAdmin]) {
      expect(() => assertMayActOn(admin, target, 'role')).not.toThrow();
      expect(() => assertMayActOn(admin, target, 'ban')).not.toThrow();
    }
  });

  it('refuses plain users outright', () => {
    expect(() => assertMayActOn(user, { id: 'u2', role: 'user' }, 'ban')).toThrow(ForbiddenError);
  });
});

describe('banEnd', () => {
  const now = new Date('2026-11-25T12:00:00.000Z');

  it('is null for a permanent ban and the given instant otherwise', () => {
    expect(banEnd(undefined, now)).toBeNull();
    expect(banEnd('2026-11-25T13:00:00+00:00', now)?.toISOString()).toBe('2026-11-25T13:00:00.000Z');
  });

  it('refuses an end that is not in the future', () => {
    expect(() => banEnd('2026-11-25T12:00:00Z', now)).toThrow(InvalidInputError);
    expect(() => banEnd('2026-11-25T13:00:00+02:00', now)).toThrow(/until: must be in the future/);
  });
});
