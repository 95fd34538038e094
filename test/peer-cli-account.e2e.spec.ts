import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { httpClient } from './support/http.js';
import { CliUser, HAS_PSEUDO_TERMINAL, startServerForCli } from './support/peer-cli.js';
import type { ServerProcess } from './support/server-process.js';
import { withNote } from './support/with-note.js';

const ADMIN_PASSWORD = 'admin-password-for-cli-tests';
const onTerminal = HAS_PSEUDO_TERMINAL ? it : it.skip;
if (!HAS_PSEUDO_TERMINAL) process.stderr.write('Skipping the terminal prompts tests: no `script` (apt-get install -y bsdutils)\n');

/** The account commands, with the built server and real `peerdex` processes (on a pseudo-terminal where a person would type). */
describe('the account from the command line', () => {
  jest.setTimeout(120_000);
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerForCli({ ADMIN_PASSWORD });
  });

  afterAll(async () => {
    await server?.stop();
  });

  async function canLogIn(username: string, password: string): Promise<boolean> {
    return (await httpClient(server.baseUrl).post('/api/v1/auth/login', { username, password })).status === 200;
  }

  onTerminal('asks for a new password twice on a terminal and creates nothing when the two differ', async () => {
    const user = await CliUser.create(server.baseUrl);
    const typo = user.terminal(['register', 'fiona']);
    await typo.waitFor(/Password: /);
    typo.answer('fiona-password');
    await typo.waitFor(/Repeat the password: /);
    typo.answer('fiona-passwrod');
    expect(await typo.exited).toBe(2);
    expect(typo.output).toMatch(/the two passwords differ; no account was created/);
    expect(typo.output).not.toMatch(/fiona-passw/);
    expect(await canLogIn('fiona', 'fiona-password')).toBe(false);

    const typed = user.terminal(['register', 'fiona']);
    await typed.waitFor(/Password: /);
    typed.answer('fiona-password');
    await typed.waitFor(/Repeat the password: /);
    typed.answer('fiona-password');
    withNote(typed.output, () => expect(typed.exited).resolves.toBe(0));
    await typed.exited;
    expect(typed.output).toMatch(/Registered and signed in as fiona/);
    expect(await canLogIn('fiona', 'fiona-password')).toBe(true);
  });

  it('takes a short password as a usage error, like a bad username', async () => {
    const user = await CliUser.create(server.baseUrl);
    const short = await user.run(['register', 'gwen', '--password-stdin'], { stdin: 'short\n' });
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/^peerdex: the password must be at least 8 characters/);
    const badName = await user.run(['register', 'g w', '--password-stdin'], { stdin: 'long-enough-password\n' });
    expect(badName.code).toBe(2);
    expect(await canLogIn('gwen', 'short')).toBe(false);
  });

  onTerminal('changes the password with `peerdex passwd`, keeping this login signed in', async () => {
    const user = await CliUser.create(server.baseUrl);
    await user.register('hana');
    const passwd = user.terminal(['passwd']);
    await passwd.waitFor(/Current password: /);
    passwd.answer('hana-password');
    await passwd.waitFor(/New password: /);
    passwd.answer('hana-new-password');
    await passwd.waitFor(/Repeat the new password: /);
    passwd.answer('hana-new-password');
    const code = await passwd.exited;
    withNote(passwd.output, () => expect(code).toBe(0));
    expect(passwd.output).toMatch(/Password changed for hana/);
    expect(await canLogIn('hana', 'hana-password')).toBe(false);
    expect(await canLogIn('hana', 'hana-new-password')).toBe(true);
    expect((await user.run(['whoami'])).stdout).toMatch(/^hana /);

    // Without a terminal: the current and the new password as two lines on standard input.
    const piped = await user.run(['passwd', '--password-stdin'], { stdin: 'hana-new-password\nhana-third-password\n' });
    withNote(piped.stderr, () => expect(piped.code).toBe(0));
    expect(await canLogIn('hana', 'hana-third-password')).toBe(true);
    // PEERDEX_PASSWORD is the current password only: the new one is never taken from it.
    const fromEnv = await user.run(['passwd'], { env: { PEERDEX_PASSWORD: 'hana-third-password' } });
    expect(fromEnv.code).toBe(2);
    expect(await canLogIn('hana', 'hana-third-password')).toBe(true);
    const wrong = await user.run(['passwd', '--password-stdin'], { stdin: 'not-the-password\nwhatever-password\n' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^peerdex: the current password is not right; the password was not changed\n$/);
  });

  it('creates, lists and revokes personal API keys', async () => {
    const user = await CliUser.create(server.baseUrl);
    await user.register('ivan');
    const created = await user.run(['apikey', 'create', 'my search script']);
    withNote(created.stderr, () => expect(created.code).toBe(0));
    // The key alone on stdout (KEY=$(peerdex apikey create …) works), the note on stderr.
    expect(created.stdout).toMatch(/^pdx_\S+\n$/);
    const key = created.stdout.trim();
    expect(created.stderr).toMatch(/shown only this once/);
    const api = httpClient(server.baseUrl);
    expect((await api.get('/api/v1/search?q=anything', { headers: { 'x-api-key': key! } })).status).toBe(200);

    const listed = await user.run(['apikey', 'list']);
    expect(listed.stdout).toMatch(/my search script/);
    expect(listed.stdout).toMatch(/used/);
    expect(listed.stdout).not.toContain(key!);
    const json = JSON.parse((await user.run(['apikey', 'list', '--json'])).stdout) as Array<{ id: string; name: string; prefix: string }>;
    expect(json).toEqual([expect.objectContaining({ name: 'my search script', prefix: expect.any(String) })]);

    const revoked = await user.run(['apikey', 'revoke', 'my search script']);
    withNote(revoked.stderr, () => expect(revoked.code).toBe(0));
    expect(revoked.stdout).toMatch(/Revoked the API key "my search script"/);
    expect((await api.get('/api/v1/search?q=anything', { headers: { 'x-api-key': key! } })).status).toBe(401);
    const again = await user.run(['apikey', 'revoke', 'my search script']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/no API key named or starting with "my search script"/);
    expect((await user.run(['apikey', 'frobnicate'])).code).toBe(2);
  });

  it('says an account is banned, why and until when in local time, instead of "signed out"', async () => {
    const user = await CliUser.create(server.baseUrl);
    await user.register('jack');
    const api = httpClient(server.baseUrl);
    const admin = (await api.post('/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).body.accessToken as string;
    const me = JSON.parse((await user.run(['whoami', '--json'])).stdout) as { id: string };
    const ban = await api.post(`/api/v1/admin/users/${me.id}/ban`, { reason: 'sharing malware', until: '2030-01-02T03:04:00Z' }, { token: admin });
    withNote(JSON.stringify(ban.body), () => expect(ban.status).toBe(200));

    // With the access token still valid (the server answers the request itself)...
    const tokyo = { TZ: 'Asia/Tokyo' };
    const direct = await user.run(['whoami'], { env: tokyo });
    expect(direct.code).toBe(1);
    expect(direct.stderr).toMatch(/^peerdex: the account jack is banned until 2030-01-02 12:04 \(GMT\+9\): sharing malware\n$/);

    // ...and once it needs refreshing (the ban revoked every refresh token).
    const file = join(user.home, 'credentials.json');
    const saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, { accessTokenExpiresAt: number }>;
    for (const login of Object.values(saved)) login.accessTokenExpiresAt = 0;
    await writeFile(file, JSON.stringify(saved));
    const refreshed = await user.run(['whoami'], { env: tokyo });
    expect(refreshed.code).toBe(1);
    expect(refreshed.stderr).toMatch(/^peerdex: the account jack is banned until 2030-01-02 12:04 \(GMT\+9\): sharing malware\n$/);
    const up = await user.run(['up', '--port', '0'], { env: { TZ: 'UTC' } });
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/banned until 2030-01-02 03:04 \(UTC\): sharing malware/);

    const permanent = await CliUser.create(server.baseUrl);
    await permanent.register('kate');
    const kate = JSON.parse((await permanent.run(['whoami', '--json'])).stdout) as { id: string };
    await api.post(`/api/v1/admin/users/${kate.id}/ban`, { reason: 'spam' }, { token: admin });
    expect((await permanent.run(['whoami'])).stderr).toMatch(/^peerdex: the account kate is banned permanently: spam\n$/);
  });
});

describe('signing out while the server is down', () => {
  jest.setTimeout(120_000);

  it('says the login was removed here but could not be ended on the server', async () => {
    const server = await startServerForCli();
    const user = await CliUser.create(server.baseUrl);
    await user.register('lena');
    await server.stop();
    const logout = await user.run(['logout']);
    expect(logout.code).toBe(1);
    expect(logout.stderr).toMatch(
      /^peerdex: signed lena out on this computer, but the server at http:\/\/127\.0\.0\.1:\d+ could not be reached, so that login was not ended there/,
    );
    expect(logout.stdout).not.toMatch(/Signed out/);
    expect((await user.run(['whoami'])).stderr).toMatch(/Not signed in/);
  });
});
