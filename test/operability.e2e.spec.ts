import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from './support/app.js';
import { httpClient, type HttpClient } from './support/http.js';

describe('operability', () => {
  let server: TestServer;
  let http: HttpClient;
  const logLines: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ LOG_LEVEL: 'info' }, { logs: { write: (line) => void logLines.push(line) } });
    http = httpClient(server.baseUrl);
  });
  afterAll(() => server.close());

  it('logs each request as JSON with a request id, echoes the id, and never logs credentials', async () => {
    const registered = await http.post('/api/v1/auth/register', { username: 'logged', password: 'very secret pw' }, { headers: { 'x-request-id': 'trace-123' } });
    expect(registered.headers.get('x-request-id')).toBe('trace-123');
    await http.get('/api/v1/me', { token: registered.body.accessToken });
    const generated = await http.post('/api/v1/auth/refresh', { refreshToken: registered.body.refreshToken });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    await new Promise((resolve) => setTimeout(resolve, 50));
    const entries = logLines.map((line) => JSON.parse(line) as { req?: { id: string; url: string }; res?: { statusCode: number } });
    const registerEntry = entries.find((entry) => entry.req?.id === 'trace-123');
    expect(registerEntry).toMatchObject({ req: { url: '/api/v1/auth/register' }, res: { statusCode: 201 } });
    const all = logLines.join('\n');
    for (const secret of ['very secret pw', registered.body.accessToken, registered.body.refreshToken, generated.body.refreshToken]) {
      expect(all).not.toContain(secret);
    }
  });

  it('exposes Prometheus metrics labelled by route pattern', async () => {
    await http.get('/api/v1/me');
    const metrics = await http.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(metrics.body).toMatch(/peerdex_http_requests_total\{method="GET",route="\/api\/v1\/me",status="401"\} \d+/);
    expect(metrics.body).toMatch(/peerdex_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/api\/v1\/me"\}/);
    expect(metrics.body).toMatch(/peerdex_process_resident_memory_bytes \d+/);
  });

  it('serves the OpenAPI document and its UI', async () => {
    const document = await http.get('/api/docs-json');
    expect(document.status).toBe(200);
    expect(document.body.openapi).toMatch(/^3\./);
    const register = document.body.paths['/api/v1/auth/register'].post;
    expect(register.responses).toHaveProperty('409');
    expect(document.body.components.schemas.RegisterDto).toMatchObject({
      properties: { username: { type: 'string', minLength: 3, maxLength: 32 }, password: { type: 'string', minLength: 8 } },
      required: ['username', 'password'],
    });
    const ui = await http.get('/api/docs');
    expect(ui.status).toBe(200);
    expect(ui.body).toMatch(/swagger-ui/i);
  });
});
