import { describe, expect, it } from '@jest/globals';
import { buildPeerdexLink, ManifestSchema, MANIFEST_VERSION, parsePeerdexLink } from './links.js';
import { PIECE_SIZE } from './pieces.js';

const HASH = 'ab'.repeat(32);

describe('peerdex: links', () => {
  it('round-trips a name with spaces, a plus sign, non-ASCII letters and reserved characters', () => {
    const link = { sha256: HASH, name: 'Beyoncé + Jay & co = 100% <live>.mp3', size: 12_345_678, server: 'https://peerdex.example.org' };
    const text = buildPeerdexLink(link);
    expect(text).toBe(
      `peerdex:?xt=urn:sha256:${HASH}&dn=Beyonc%C3%A9%20%2B%20Jay%20%26%20co%20%3D%20100%25%20%3Clive%3E.mp3&xl=12345678&ds=https%3A%2F%2Fpeerdex.example.org`,
    );
    expect(parsePeerdexLink(text)).toEqual({ ok: true, link });
  });

  it('reads parameters in any order, ignores unknown ones, takes "+" literally and upper-case hex', () => {
    const parsed = parsePeerdexLink(`PEERDEX:?dn=a+b.txt&tr=whatever&xt=urn:sha256:${HASH.toUpperCase()}`);
    expect(parsed).toEqual({ ok: true, link: { sha256: HASH, name: 'a+b.txt' } });
  });

  it.each([
    ['another scheme', `magnet:?xt=urn:sha256:${HASH}`, 'must start with "peerdex:?"'],
    ['no query', `peerdex:${HASH}`, 'must start with "peerdex:?"'],
    ['no hash', 'peerdex:?dn=x', 'xt (urn:sha256:<64 hex digits>) is missing'],
    ['another hash kind', `peerdex:?xt=urn:btih:${HASH}`, 'xt must be urn:sha256:'],
    ['a short hash', `peerdex:?xt=urn:sha256:${HASH.slice(2)}`, 'the hash must be 64 hexadecimal digits (got 62 characters'],
    ['a repeated parameter', `peerdex:?xt=urn:sha256:${HASH}&xt=urn:sha256:${HASH}`, 'xt appears twice'],
    ['a size that is not a number', `peerdex:?xt=urn:sha256:${HASH}&xl=12kb`, 'xl (the size in bytes) must be a whole number'],
    ['a name with a path', `peerdex:?xt=urn:sha256:${HASH}&dn=..%2Fetc%2Fpasswd`, 'dn (the name) must be a file name'],
    ['broken percent-encoding', `peerdex:?xt=urn:sha256:${HASH}&dn=%E0%A4%A`, 'the value of dn is not valid percent-encoded UTF-8'],
    ['a server that is not http', `peerdex:?xt=urn:sha256:${HASH}&ds=ftp%3A%2F%2Fx`, 'ds (the server) must be an http or https URL'],
    ['a server URL with a path', `peerdex:?xt=urn:sha256:${HASH}&ds=http%3A%2F%2Fx%2Fapi`, 'ds (the server) must be a server'],
  ])('refuses %s with a message saying what is wrong', (_what, text, message) => {
    const parsed = parsePeerdexLink(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(message);
  });
});

describe('the .peerdex manifest', () => {
  const manifest = { version: 1, name: 'song.mp3', size: 3, sha256: HASH, pieceSize: PIECE_SIZE, pieceRoot: HASH, server: 'http://127.0.0.1:3000' };

  it('accepts what the server writes and ignores fields added later', () => {
    expect(ManifestSchema.parse({ ...manifest, comment: 'from a later version 1' })).toEqual(manifest);
  });

  it('says a newer format needs a newer peerdex, and rejects another piece size', () => {
    const newer = ManifestSchema.safeParse({ ...manifest, version: MANIFEST_VERSION + 1 });
    expect(newer.error?.issues[0]?.message).toContain('update peerdex');
    const pieces = ManifestSchema.safeParse({ ...manifest, pieceSize: 4096 });
    expect(pieces.error?.issues[0]?.message).toBe(`must be ${PIECE_SIZE} (1 MiB), the only piece size Peerdex uses`);
  });
});
