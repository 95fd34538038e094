import { request as httpRequest } from 'node:http';

export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A tiny JSON client over real HTTP (fetch), for tests and scripts. */
export function httpClient(baseUrl: string) {
  async function request<T = any>(
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string; token?: string; headers?: Record<string, string> } = {},
  ): Promise<JsonResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    if (response.headers.get('content-type')?.includes('json') && text) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T };
  }
  return {
    request,
    get: <T = any>(path: string, options?: Parameters<typeof request>[2]) => request<T>('GET', path, options),
    post: <T = any>(path: string, body?: unknown, options?: Parameters<typeof request>[2]) =>
      request<T>('POST', path, { ...options, body }),
    patch: <T = any>(path: string, body?: unknown, options?: Parameters<typeof request>[2]) =>
      request<T>('PATCH', path, { ...options, body }),
    delete: <T = any>(path: string, options?: Parameters<typeof request>[2]) => request<T>('DELETE', path, options),
  };
}

export type HttpClient = ReturnType<typeof httpClient>;

/**
 * One JSON request sent from a chosen local address (any of 127.0.0.0/8 on loopback), so that
 * tests can be several clients with addresses of their own, as the server's per-address limits
 * see them. fetch cannot choose its source address; node:http can.
 */
export function requestFrom<T = any>(
  localAddress: string,
  url: string,
  method: string,
  options: { body?: unknown; token?: string } = {},
): Promise<JsonResponse<T>> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method, headers, localAddress, agent: false }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) {
          if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        const json = responseHeaders.get('content-type')?.includes('json') && text;
        resolve({ status: incoming.statusCode ?? 0, headers: responseHeaders, body: (json ? JSON.parse(text) : text) as T });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
