import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type PeerFixture, startPeerFixture } from '../apps/peer/src/testing/peer-fixture.js';
import { type TicketAuthority, createTicketAuthority } from '../apps/peer/src/testing/ticket-authority.js';
import { rawHttp } from './support/raw-http.js';
import { itWithTool, runTool } from './support/tools.js';
import { withNote } from './support/with-note.js';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * The peer endpoint against RFC 9110 (ranges, authentication challenge) and RFC 6266
 * (Content-Disposition), as seen by raw sockets and by the HTTP clients people actually use.
 */
describe('peer HTTP conformance', () => {
  const small = 'twenty-two bytes here!';
  const smallHash = sha256(small);
  const accented = 'ogg bytes of an accented name';
  const accentedHash = sha256(accented);
  const accentedName = 'Ágætis byrjun – intro.ogg';
  let authority: TicketAuthority;
  let peer: PeerFixture;
  let smallTicket: string;
  let accentedTicket: string;
  let workDir: string;

  beforeAll(async () => {
    authority = await createTicketAuthority();
    peer = await startPeerFixture(authority, { 'Read Me.txt': small, [`Música/${accentedName}`]: accented });
    smallTicket = await authority.issue({ sha: smallHash, src: [peer.sessionId], size: small.length });
    accentedTicket = await authority.issue({ sha: accentedHash, src: [peer.sessionId], size: accented.length });
    workDir = await mkdtemp(join(tmpdir(), 'peerdex-conformance-'));
  });
  afterAll(async () => {
    await peer.close();
    await rm(workDir, { recursive: true, force: true });
  });

  const getSmall = (extra: string[] = [], ticket: string | null = smallTicket) =>
    rawHttp(peer.url, [`GET /files/${smallHash} HTTP/1.1`, 'Host: peer', ...(ticket ? [`Authorization: Bearer ${ticket}`] : []), ...extra]);

  it('answers a suffix range longer than the file with the whole file as 206', async () => {
    const response = await getSmall(['Range: bytes=-1000']);
    expect(response.status).toBe(206);
    expect(response.headers['content-range']).toBe('bytes 0-21/22');
    expect(response.body.toString()).toBe(small);
  });

  it('serves satisfiable ranges, refuses unsatisfiable ones with 416 and ignores invalid Range headers (200)', async () => {
    const cases: Array<[string, number, string | undefined, string]> = [
      ['bytes=0-1000', 206, 'bytes 0-21/22', small],
      ['bytes=21-21', 206, 'bytes 21-21/22', '!'],
      ['bytes=-3', 206, 'bytes 19-21/22', 're!'],
      ['BYTES=0-5', 206, 'bytes 0-5/22', 'twenty'],
      ['bytes=22-', 416, 'bytes */22', ''],
      ['bytes=-0', 416, 'bytes */22', ''],
      // Invalid or unsupported: RFC 9110 §14.2 lets the server ignore Range, answering 200.
      ['bytes=5-2', 200, undefined, small],
      ['bytes=abc', 200, undefined, small],
      ['bytes=1-2-3', 200, undefined, small],
      ['bytes=', 200, undefined, small],
      ['bytes=-', 200, undefined, small],
      ['bytes=+1-2', 200, undefined, small],
      ['pages=0-5', 200, undefined, small],
      ['bytes=0-4,8-9', 200, undefined, small],
    ];
    for (const [range, status, contentRange, body] of cases) {
      const response = await getSmall([`Range: ${range}`]);
      withNote(`Range: ${range}`, () => {
        expect(response.status).toBe(status);
        expect(response.headers['content-range']).toBe(contentRange);
        if (status !== 416) expect(response.body.toString()).toBe(body);
      });
    }
  });

  it('challenges a request without a valid ticket with WWW-Authenticate naming the Bearer scheme', async () => {
    const missing = await getSmall([], null);
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="peerdex"');

    const invalid = await getSmall([], 'not-a-ticket');
    expect(invalid.status).toBe(401);
    expect(invalid.headers['www-authenticate']).toMatch(/^Bearer realm="peerdex", error="invalid_token", error_description="[^"]+"$/);
  });

  it('names the file in Content-Disposition, with an ASCII fallback and the UTF-8 name (RFC 6266, RFC 8187)', async () => {
    const plain = await getSmall([], smallTicket);
    expect(plain.headers['content-disposition']).toBe('attachment; filename="Read Me.txt"');
    const head = await rawHttp(peer.url, [`HEAD /files/${accentedHash} HTTP/1.1`, 'Host: peer', `Authorization: Bearer ${accentedTicket}`]);
    expect(head.status).toBe(200);
    expect(head.headers['content-disposition']).toBe(
      `attachment; filename="Agaetis byrjun - intro.ogg"; filename*=UTF-8''${encodeURIComponent(accentedName).replace(/'/g, '%27')}`,
    );
  });

  itWithTool('curl', 'curl')('lets `curl -OJ` save the file under its name', async () => {
    const dir = await mkdtemp(join(workDir, 'curl-'));
    const result = await runTool('curl', ['-sS', '-f', '-OJ', '-H', `Authorization: Bearer ${smallTicket}`, `${peer.url}/files/${smallHash}`], { cwd: dir });
    withNote(result.stderr, () => expect(result.code).toBe(0));
    expect(await readdir(dir)).toEqual(['Read Me.txt']);
    expect(await readFile(join(dir, 'Read Me.txt'), 'utf8')).toBe(small);
  });

  itWithTool('wget', 'wget')('lets `wget --content-disposition` save the file under its UTF-8 name', async () => {
    const dir = await mkdtemp(join(workDir, 'wget-'));
    const result = await runTool('wget', ['-q', '--content-disposition', '--header', `Authorization: Bearer ${accentedTicket}`, `${peer.url}/files/${accentedHash}`], { cwd: dir });
    withNote(result.stderr, () => expect(result.code).toBe(0));
    expect(await readdir(dir)).toEqual([accentedName]);
    expect(await readFile(join(dir, accentedName), 'utf8')).toBe(accented);
  });

  itWithTool('curl', 'curl')('gives curl a 206 for a range, and curl resumes a partial file with -C -', async () => {
    const dir = await mkdtemp(join(workDir, 'curl-resume-'));
    const partial = await runTool('curl', ['-sS', '-f', '-r', '0-9', '-o', 'part', '-H', `Authorization: Bearer ${smallTicket}`, `${peer.url}/files/${smallHash}`], { cwd: dir });
    withNote(partial.stderr, () => expect(partial.code).toBe(0));
    expect(await readFile(join(dir, 'part'), 'utf8')).toBe(small.slice(0, 10));
    const resumed = await runTool('curl', ['-sS', '-f', '-C', '-', '-o', 'part', '-H', `Authorization: Bearer ${smallTicket}`, `${peer.url}/files/${smallHash}`], { cwd: dir });
    withNote(resumed.stderr, () => expect(resumed.code).toBe(0));
    expect(await readFile(join(dir, 'part'), 'utf8')).toBe(small);
  });
});
