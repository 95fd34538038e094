import { mkdtemp, readFile, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, jest } from '@jest/globals';
import { PeerHome } from '../cli/peer-home.js';
import { UiAccess } from './ui-access.js';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('who may use the local API: the command\u2019s token, or the web UI\u2019s cookie', () => {
  it('keeps one secret per install, readable by its owner only, across restarts', async () => {
    const home = new PeerHome(await mkdtemp(join(tmpdir(), 'ui-access-')));
    const first = await UiAccess.open(home);
    const cookie = first.cookie(6680);
    expect(cookie).toMatch(/^peerdex_ui_6680=[\w-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=34560000$/);
    expect((await stat(join(home.dir, 'ui-secret.json'))).mode & 0o777).toBe(0o600);
    const again = await UiAccess.open(home);
    const value = cookie.split(';')[0]!;
    expect(again.hasCookie(request({ cookie: `other=1; ${value}` }), 6680)).toBe(true);
    expect(again.hasCookie(request({ cookie: value }), 6681)).toBe(false); // another port's peer
    expect(again.hasCookie(request({ cookie: `${value}x` }), 6680)).toBe(false);
    expect(again.hasCookie(request({}), 6680)).toBe(false);
    expect(JSON.parse(await readFile(join(home.dir, 'ui-secret.json'), 'utf8')).secret).toBe(value.split('=')[1]);
    // The command's token is new at every start, and only as a bearer token.
    expect(again.token).not.toBe(first.token);
    expect(again.hasToken(request({ authorization: `Bearer ${again.token}` }))).toBe(true);
    expect(again.hasToken(request({ authorization: `Bearer ${first.token}` }))).toBe(false);
    expect(again.hasToken(request({ authorization: again.token }))).toBe(false);
  });

  it('lets a login code be spent once, within two minutes', async () => {
    jest.useFakeTimers({ now: Date.parse('2026-12-03T12:00:00Z') });
    try {
      const access = await UiAccess.open(new PeerHome(await mkdtemp(join(tmpdir(), 'ui-codes-'))));
      const { code, expiresAt } = access.newLoginCode();
      expect(expiresAt.toISOString()).toBe('2026-12-03T12:02:00.000Z');
      expect(access.spendLoginCode(code)).toBe(true);
      expect(access.spendLoginCode(code)).toBe(false);
      const late = access.newLoginCode().code;
      jest.setSystemTime(Date.parse('2026-12-03T12:02:01Z'));
      expect(access.spendLoginCode(late)).toBe(false);
      expect(access.spendLoginCode(null)).toBe(false);
      expect(access.spendLoginCode('made-up')).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });
});
