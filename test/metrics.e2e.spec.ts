import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registerUser } from './support/accounts.js';
import { hasTool } from './support/tools.js';
import { startTestServer, type TestServer } from './support/app.js';
import { httpClient } from './support/http.js';
import { lintExposition, promtoolCheck } from './support/metrics-lint.js';
import { withNote } from './support/with-note.js';

const hasPromtool = hasTool('promtool');

describe('GET /metrics', () => {
  let server: TestServer;
  let exposition: string;

  beforeAll(async () => {
    server = await startTestServer();
    const http = httpClient(server.baseUrl);
    // Some traffic first, so counters and histograms have series to lint.
    const user = await registerUser(http, 'metrics-user');
    await http.get('/api/v1/me', { token: user.accessToken });
    await http.get('/api/v1/search?q=anything', { token: user.accessToken });
    exposition = (await http.get('/metrics')).body as string;
  });
  afterAll(() => server.close());

  it('follows the naming rules promtool checks (parsed in JS, so it runs everywhere)', () => {
    withNote(exposition, () => expect(lintExposition(exposition)).toEqual([]));
    // The by-type gauges stay; their redundant totals (gauges named *_total) are gone: sum() them.
    expect(exposition).toMatch(/^peerdex_nodejs_active_handles\{type="\w+"\} \d+$/m);
    expect(exposition).not.toMatch(/^peerdex_nodejs_active_\w+_total/m);
  });

  it('catches what promtool catches: a gauge named like a counter, a counter without _total', () => {
    const bad = ['# HELP x_total a gauge', '# TYPE x_total gauge', 'x_total 1', '# HELP y a counter', '# TYPE y counter', 'y 1', 'z 1', ''].join('\n');
    expect(lintExposition(bad)).toEqual(['x_total: a gauge must not end in _total', "y: a counter's name must end in _total", 'z: no HELP text', 'z: no TYPE line']);
  });

  (hasPromtool ? it : it.skip)(
    `passes \`promtool check metrics\`${hasPromtool ? '' : ' (skipped: promtool is not installed; apt-get install prometheus)'}`,
    async () => {
      const verdict = await promtoolCheck(exposition);
      withNote(verdict?.output ?? 'promtool missing', () => expect(verdict).toEqual({ code: 0, output: '' }));
    },
  );
});

describe('GET /metrics with METRICS_TOKEN set', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ METRICS_TOKEN: 'scrape-token-that-is-long-enough' });
  });
  afterAll(() => server.close());

  it('answers only a scraper that presents the token as a bearer token', async () => {
    const http = httpClient(server.baseUrl);
    const anonymous = await http.get('/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(anonymous.body).toMatchObject({ statusCode: 401, message: expect.stringMatching(/METRICS_TOKEN/) });
    expect((await http.get('/metrics', { token: 'scrape-token-that-is-long-enough-but-wrong' })).status).toBe(401);
    const scrape = await http.get('/metrics', { token: 'scrape-token-that-is-long-enough' });
    expect(scrape.status).toBe(200);
    expect(scrape.body).toMatch(/^# TYPE peerdex_http_requests_total counter$/m);
  });
});
