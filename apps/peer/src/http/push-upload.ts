import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import { PEER_PATHS, Sha256Schema, describeIssues, formatIssues } from '#contracts';
import type { CatalogueEntry, ShareCatalogue } from '../shares/catalogue.js';
import type { RateLimiter } from '../util/rate-limiter.js';
import { sendRange } from './send-range.js';
import { openCurrent } from './serve-file.js';
import type { UploadSlots } from './upload-slots.js';

export const PushRequestSchema = z.object({
  ticket: z.string().min(1),
  targetUrl: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  sha256: Sha256Schema,
});
export type PushRequest = z.input<typeof PushRequestSchema>;

export interface PushContext {
  catalogue: ShareCatalogue;
  /** the peer's upload slots: a push waits for one, like any upload (PeerServer.slots) */
  slots: UploadSlots;
  rateLimiter?: RateLimiter;
  onStaleFile?: (entry: CatalogueEntry) => void;
  signal?: AbortSignal;
  /** a receiver that accepts the connection but never answers has failed after this long (default 60 s of silence) */
  idleTimeoutMs?: number;
}

export interface PushResult {
  ok: boolean;
  /** the receiver's HTTP status, 0 when it could not be reached */
  status: number;
  bytes: number;
  reason?: string;
}

export class InvalidPushRequestError extends Error {}

/**
 * The uploading half of a push: a firewalled peer, asked by the server, PUTs a shared file to the
 * downloader's /push/:ticketId with the push ticket as bearer. The target must be exactly the push
 * route of the ticket's id, so a push request cannot make this peer upload anywhere else.
 */
export async function pushFile(input: PushRequest, context: PushContext): Promise<PushResult> {
  const parsed = PushRequestSchema.safeParse(input);
  if (!parsed.success) throw new InvalidPushRequestError(`invalid push request: ${formatIssues(describeIssues(parsed.error))}`);
  const { ticket, targetUrl, sha256 } = parsed.data;
  const target = new URL(targetUrl);
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(ticket);
  } catch {
    throw new InvalidPushRequestError('invalid push request: ticket is not a JWT');
  }
  if (typeof claims.jti !== 'string' || target.pathname !== PEER_PATHS.push(claims.jti)) {
    throw new InvalidPushRequestError(`invalid push request: targetUrl must end in ${PEER_PATHS.push(String(claims.jti))}`);
  }
  if (claims.sha !== sha256) throw new InvalidPushRequestError('invalid push request: the ticket is for another file');

  // A slot frees up in time or the push is pointless: the receiver refuses an expired ticket.
  const expiresIn = typeof claims.exp === 'number' ? claims.exp * 1000 - Date.now() : 0;
  const gaveUp = AbortSignal.any([AbortSignal.timeout(Math.max(0, expiresIn)), ...(context.signal ? [context.signal] : [])]);
  const release = await context.slots.acquire(claims.jti, gaveUp);
  if (!release) return { ok: false, status: 0, bytes: 0, reason: 'no upload slot became free before the ticket expired' };
  try {
    return await sendPush(ticket, target, sha256, context);
  } finally {
    release();
  }
}

async function sendPush(ticket: string, target: URL, sha256: string, context: PushContext): Promise<PushResult> {
  const opened = await openCurrent(sha256, { catalogue: context.catalogue, onStaleFile: context.onStaleFile ?? (() => undefined) });
  if (opened === 'not-shared') return { ok: false, status: 0, bytes: 0, reason: 'this peer does not share that file' };
  if (opened === 'stale') return { ok: false, status: 0, bytes: 0, reason: 'the file changed since it was hashed' };
  const { handle, entry } = opened;
  const requestFn = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const request = requestFn(target, {
    method: 'PUT',
    headers: { authorization: `Bearer ${ticket}`, 'content-type': 'application/octet-stream', 'content-length': entry.size },
    signal: context.signal,
  });
  request.setTimeout(context.idleTimeoutMs ?? 60_000, () => request.destroy(new Error('the receiver stopped answering')));
  const answered = new Promise<{ status: number; message: string }>((resolve, reject) => {
    request.once('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body = (body + chunk).slice(0, 4096)));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, message: messageOf(body) }));
      response.on('error', reject);
    });
    request.once('error', reject);
  });
  answered.catch(() => undefined);
  const sent = { bytes: 0 };
  try {
    await sendRange(handle, 0, entry.size, request, sent, { limiter: context.rateLimiter });
    request.end();
  } catch {
    // The receiver may refuse early and close; its answer (below) says why.
  } finally {
    await handle.close().catch(() => undefined);
  }
  try {
    const { status, message } = await answered;
    const ok = status >= 200 && status < 300;
    return { ok, status, bytes: sent.bytes, ...(ok ? {} : { reason: message || `answered ${status}` }) };
  } catch (error) {
    return { ok: false, status: 0, bytes: sent.bytes, reason: `the receiver could not be reached: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
}

function messageOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : '';
  } catch {
    return '';
  }
}
