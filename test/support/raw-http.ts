import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  /** header names in lower case; repeated headers joined with ", " */
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Sends `lines` (a request head, CRLF added) over a plain TCP socket and reads one response to the
 * end: what a client sends byte for byte, with nothing normalised on the way. Asks the peer to
 * close after answering so the body is everything up to the close.
 */
export function rawHttp(baseUrl: string, lines: string[]): Promise<RawResponse> {
  const socket = openSocket(baseUrl);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('error', reject);
    socket.once('close', () => {
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (error) {
        reject(error as Error);
      }
    });
    socket.write([...lines, 'Connection: close', '', ''].join('\r\n'));
  });
}

/** A connected socket to the host and port of `baseUrl`. */
export function openSocket(baseUrl: string): Socket {
  const { hostname, port } = new URL(baseUrl);
  return connect({ host: hostname, port: Number(port) });
}

export function parseResponse(data: Buffer): RawResponse {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`no complete response head in ${JSON.stringify(data.toString('latin1').slice(0, 200))}`);
  const [statusLine, ...headerLines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine!)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { status, headers, body: data.subarray(end + 4) };
}
