import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from '@jest/globals';
import { hasTool } from './support/tools.js';
import { createTestDatabase } from './support/database.js';
import { eventually } from './support/eventually.js';
import { httpClient } from './support/http.js';
import { SERVER_MAIN, startServerProcess, type ServerProcess } from './support/server-process.js';
import { withNote } from './support/with-note.js';

const JWT_SECRET = 'x'.repeat(40);
const started: ServerProcess[] = [];
afterAll(() => Promise.all(started.map((server) => server.stop())));

async function start(env: Record<string, string>): Promise<ServerProcess> {
  const server = await startServerProcess({ DATABASE_URL: await createTestDatabase(), JWT_SECRET, ...env });
  started.push(server);
  return server;
}

const hasScript = hasTool('script');

const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');
const isJson = (line: string) => {
  try {
    return typeof JSON.parse(line) === 'object';
  } catch {
    return false;
  }
};

describe('server logs', () => {
  it('writes JSON lines when stdout is not a terminal, with the banner and generated admin password apart on stderr', async () => {
    const server = await start({});
    await httpClient(server.baseUrl).get('/api/v1/me');
    const stdout = await eventually(() => {
      expect(server.stdout()).toMatch(/"url":"\/api\/v1\/me"/);
      return server.stdout();
    });
    withNote(stdout, () => expect(lines(stdout).filter((line) => !isJson(line))).toEqual([]));
    // Route mapping and module wiring are debug details, not start-up noise at info.
    withNote(stdout, () => expect(stdout).not.toMatch(/Mapped \{|dependencies initialized/));

    const banner = server.stderr();
    const password = /Admin login\s+admin \/ (\S+)/.exec(banner)?.[1];
    withNote(banner, () => expect(password).toBeDefined());
    expect(stdout).not.toContain(password);
    const login = await httpClient(server.baseUrl).post('/api/v1/auth/login', { username: 'admin', password });
    expect(login.status).toBe(200);
  });

  it('writes human-readable lines when LOG_FORMAT=pretty, JSON again when LOG_FORMAT=json', async () => {
    const pretty = await start({ LOG_FORMAT: 'pretty', ADMIN_PASSWORD: 'configured-admin-password' });
    await httpClient(pretty.baseUrl).get('/api/v1/me');
    const text = await eventually(() => {
      expect(pretty.stdout()).toMatch(/GET \/api\/v1\/me 401/);
      return pretty.stdout();
    });
    withNote(text, () => expect(lines(text).filter(isJson)).toEqual([]));
    withNote(text, () => expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO.*GET \/api\/v1\/me 401 in \d+ ms$/m));
    withNote(text, () => expect(text).not.toMatch(/Mapped \{/));
    // A configured password is never printed.
    expect(pretty.output()).not.toContain('configured-admin-password');

    const json = await start({ LOG_FORMAT: 'json', LOG_LEVEL: 'debug', ADMIN_PASSWORD: 'configured-admin-password' });
    // At debug level the route mapping is there for whoever needs it.
    await eventually(() => expect(json.stdout()).toMatch(/listening on/));
    expect(json.stdout()).toMatch(/Mapped \{\/api\/v1\/me, GET\} route/);
    withNote(json.stdout(), () => expect(lines(json.stdout()).every(isJson)).toBe(true));
  });

  (hasScript ? it : it.skip)(`chooses human-readable lines by itself on a terminal${hasScript ? '' : ' (skipped: `script` is not installed; apt-get install bsdutils)'}`, async () => {
    // `script` runs the server on a pseudo-terminal, as a person starting it by hand.
    const env = { ...process.env, DATABASE_URL: await createTestDatabase(), JWT_SECRET, PORT: '0', LOG_LEVEL: 'info', LOG_FORMAT: '' };
    const child = spawn('script', ['-qfec', `exec "${process.execPath}" "${SERVER_MAIN}"`, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await eventually(() => expect(output).toMatch(/Peerdex directory server is up/), 60_000, 200);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    withNote(output, () => expect(output).toMatch(/\[\d\d:\d\d:\d\d\.\d{3}\] .*INFO.*database schema up to date/));
    withNote(output, () => expect(lines(output).filter(isJson)).toEqual([]));
  });
});
