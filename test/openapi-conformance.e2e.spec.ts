import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN, API, accountWithRole, randomSha256, register, signIn, TEST_ENV, type Account } from './moderation-fixtures.js';
import { startTestServer, type TestServer } from './support/app.js';
import { httpClient, requestFrom, type HttpClient, type JsonResponse } from './support/http.js';
import {
  acceptedSchemes,
  DocumentValidator,
  effectiveSecurity,
  mappedRoutes,
  metaSchemaProblems,
  operationsOf,
  responseObjectsWithoutRequired,
  unportablePatterns,
  type DocumentedOperation,
  type OpenApiDocument,
} from './support/openapi.js';
import { type ConnectedPeer, connectPeer, entry, sha256Hex } from './support/peer-socket.js';
import { withNote } from './support/with-note.js';

/**
 * The served OpenAPI document is true. Every operation in it is called over real HTTP with good
 * and bad requests (the table below), plus the requests the document itself implies (no
 * credentials, a banned account, an API key where none is accepted, a malformed or oversized
 * body, a malformed id); each answer's status, declared headers and body are checked against the
 * document with Ajv, and a good request must be one the document accepts. An operation the table
 * does not cover, a route Nest maps that the document leaves out, or a documented status that no
 * request produces fails the suite.
 */

type Caller = 'anonymous' | 'user' | 'moderator' | 'admin' | 'banned' | 'apiKey' | 'passwordChanger' | 'hasty' | 'keyHoarder';

interface Fixtures {
  credentials: Record<Exclude<Caller, 'anonymous'>, { token?: string; apiKey?: string }>;
  carol: Account;
  /** a file shared by a reachable peer, and one shared only by a firewalled peer */
  song: string;
  hidden: string;
  /** a file an admin removes from the index */
  removable: string;
  sourceUsername: string;
  kickableSession: string;
  spareApiKey: string;
  blocklistEntry: string;
  reportToResolve: string;
  reportToDismiss: string;
  ticketId: string;
  refreshToken: string;
  bannedRefreshToken: string;
  logoutToken: string;
}

/** A value, or how to make it from the fixtures (ids that exist only once they are set up). */
type Dynamic<T> = T | ((fixtures: Fixtures) => T);

function resolved<T>(value: Dynamic<T> | undefined, fixtures: Fixtures): T | undefined {
  return typeof value === 'function' ? (value as (f: Fixtures) => T)(fixtures) : value;
}

interface Request {
  as: Caller;
  params?: Dynamic<Record<string, string>>;
  query?: Dynamic<Record<string, string>>;
  body?: Dynamic<Record<string, unknown>>;
  /** a body sent as it is, as JSON */
  rawBody?: string;
  /** the loopback address it is sent from (the per-address limits key on it); default 127.0.0.1 */
  from?: string;
}

interface Case extends Omit<Request, 'as' | 'rawBody'> {
  /** what is sent, in words */
  name: string;
  /** what the server must answer */
  status: number;
  /** who sends it; default: the operation's caller */
  as?: Caller;
  /** resend up to this many times until `status` comes (rate limits); every answer is checked */
  repeat?: number;
}

interface OperationCases {
  /** who calls it in good requests: 'anonymous' exactly when the document says it needs no credentials */
  as: Caller;
  /** false for the few operations that never touch the database (so cannot answer 503) */
  database?: false;
  cases: Case[];
}

const SOME_UUID = '6f1c2b9a-3d4e-4f5a-8b6c-7d8e9f0a1b2c';
const OVERSIZED_BODY = JSON.stringify({ pad: 'x'.repeat(101 * 1024) });

const OPERATIONS: Record<string, OperationCases> = {
  'GET /health': { as: 'anonymous', cases: [{ name: 'the server and its database are up', status: 200 }] },
  'GET /health/ready': { as: 'anonymous', cases: [{ name: 'the server and its database are up', status: 200 }] },
  'GET /health/live': { as: 'anonymous', database: false, cases: [{ name: 'the process is up', status: 200 }] },
  'GET /metrics': { as: 'anonymous', database: false, cases: [{ name: 'a Prometheus scrape', status: 200 }] },

  [`POST ${API}/auth/register`]: {
    as: 'anonymous',
    cases: [
      { name: 'a new account', status: 201, body: { username: 'newcomer', password: 'newcomer password' } },
      { name: 'a password that is too short', status: 400, body: { username: 'shorty', password: 'short' } },
      { name: 'a taken username', status: 409, body: { username: 'bob', password: 'another password' } },
      // Counted per address before the body is checked: an address of its own, cheap invalid bodies.
      { name: 'attempts from one address past the limit', status: 429, from: '127.0.0.77', body: { username: 'x' }, repeat: 70 },
    ],
  },
  [`POST ${API}/auth/login`]: {
    as: 'anonymous',
    cases: [
      { name: 'the right password', status: 200, body: { username: 'bob', password: 'bob password' } },
      { name: 'no password', status: 400, body: { username: 'bob' } },
      { name: 'a wrong password', status: 401, body: { username: 'bob', password: 'wrong password' } },
      { name: 'a banned account', status: 403, body: { username: 'mallory', password: 'mallory password' } },
      { name: 'wrong passwords past the limit', status: 429, body: { username: 'guessed', password: 'guess' }, repeat: 40 },
    ],
  },
  [`POST ${API}/auth/refresh`]: {
    as: 'anonymous',
    cases: [
      { name: 'an unspent refresh token', status: 200, body: (f) => ({ refreshToken: f.refreshToken }) },
      { name: 'no token', status: 400, body: {} },
      { name: 'a token the server never issued', status: 401, body: { refreshToken: `${SOME_UUID}.secret` } },
      { name: 'a token of a banned account (the ban revoked it)', status: 403, body: (f) => ({ refreshToken: f.bannedRefreshToken }) },
    ],
  },
  [`POST ${API}/auth/logout`]: {
    as: 'anonymous',
    cases: [
      { name: 'a refresh token', status: 204, body: (f) => ({ refreshToken: f.logoutToken }) },
      { name: 'no token', status: 400, body: {} },
    ],
  },

  [`GET ${API}/me`]: { as: 'user', cases: [{ name: 'the caller', status: 200 }] },
  [`PATCH ${API}/me/password`]: {
    as: 'passwordChanger',
    cases: [
      { name: 'a wrong current password', status: 403, body: { currentPassword: 'not it', newPassword: 'a new password' } },
      { name: 'a new password that is too short', status: 400, body: { currentPassword: 'changer password', newPassword: 'short' } },
      { name: 'the right current password', status: 204, body: { currentPassword: 'changer password', newPassword: 'a new password' } },
      { name: 'wrong current passwords past the limit', status: 429, body: { currentPassword: 'not it', newPassword: 'another password' }, repeat: 20 },
    ],
  },
  [`POST ${API}/me/api-keys`]: {
    as: 'user',
    cases: [
      { name: 'a named key', status: 201, body: { name: 'laptop' } },
      { name: 'an empty name', status: 400, body: { name: '' } },
      { name: 'keys past the cap', status: 409, as: 'keyHoarder', body: { name: 'one more' }, repeat: 25 },
    ],
  },
  [`GET ${API}/me/api-keys`]: { as: 'user', cases: [{ name: "the caller's keys", status: 200 }] },
  [`DELETE ${API}/me/api-keys/{id}`]: {
    as: 'user',
    cases: [
      { name: 'a key of the caller', status: 204, params: (f) => ({ id: f.spareApiKey }) },
      { name: 'an unknown key', status: 404, params: { id: SOME_UUID } },
    ],
  },

  [`GET ${API}/search`]: {
    as: 'user',
    cases: [
      { name: 'words and filters', status: 200, query: { q: 'song', ext: 'mp3,flac', type: 'audio', limit: '10' } },
      { name: 'the same with an API key', status: 200, as: 'apiKey', query: { q: 'song' } },
      { name: 'a one-letter word', status: 400, query: { q: 'a' } },
      { name: 'an extension that is not one', status: 400, query: { q: 'song', ext: 'mp3;rm' } },
      { name: 'searches past the limit', status: 429, as: 'hasty', query: { q: 'song' }, repeat: 40 },
    ],
  },
  [`GET ${API}/files/{sha256}`]: {
    as: 'user',
    cases: [
      { name: 'a shared file', status: 200, params: (f) => ({ sha256: f.song }) },
      { name: 'a hash nobody shares', status: 404, params: { sha256: randomSha256() } },
    ],
  },
  [`GET ${API}/files/{sha256}/manifest`]: {
    as: 'anonymous',
    cases: [
      { name: 'a shared file', status: 200, params: (f) => ({ sha256: f.song }) },
      { name: 'a hash nobody shares', status: 404, params: { sha256: randomSha256() } },
      { name: 'something that is not a hash', status: 400, params: { sha256: 'not-a-hash' } },
      { name: 'requests from one address past the limit', status: 429, from: '127.0.0.78', params: (f) => ({ sha256: f.song }), repeat: 30 },
    ],
  },
  'GET /f/{sha256}': {
    as: 'anonymous',
    cases: [
      { name: 'a shared file', status: 200, params: (f) => ({ sha256: f.song }) },
      { name: 'a hash nobody shares', status: 404, params: { sha256: randomSha256() } },
      { name: 'something that is not a hash', status: 400, params: { sha256: 'not-a-hash' } },
      { name: 'requests from one address past the limit', status: 429, from: '127.0.0.79', params: (f) => ({ sha256: f.song }), repeat: 30 },
    ],
  },
  [`GET ${API}/users/{username}/files`]: {
    as: 'user',
    cases: [
      { name: 'an online user', status: 200, params: (f) => ({ username: f.sourceUsername }), query: { limit: '5' } },
      { name: 'a limit of zero', status: 400, params: (f) => ({ username: f.sourceUsername }), query: { limit: '0' } },
      { name: 'an unknown user', status: 404, params: { username: 'nobody-here' } },
    ],
  },

  [`POST ${API}/transfers`]: {
    as: 'user',
    cases: [
      { name: 'a file with a reachable source', status: 201, body: (f) => ({ sha256: f.song }) },
      { name: 'a malformed hash', status: 400, body: { sha256: 'abc' } },
      { name: 'a hash nobody shares', status: 404, body: { sha256: randomSha256() } },
      { name: 'a file whose sources are all firewalled', status: 409, body: (f) => ({ sha256: f.hidden }) },
      { name: 'ticket requests past the limit', status: 429, as: 'hasty', body: (f) => ({ sha256: f.song }), repeat: 40 },
    ],
  },
  [`POST ${API}/transfers/reports`]: {
    as: 'user',
    cases: [
      { name: 'the outcome of a ticket', status: 200, body: (f) => ({ sha256: f.song, ticketId: f.ticketId, bytes: 10, ok: true }) },
      { name: 'no outcome', status: 400, body: (f) => ({ sha256: f.song }) },
      { name: 'a file the caller has no ticket for', status: 404, body: { sha256: randomSha256(), bytes: 0, ok: false } },
    ],
  },
  [`GET ${API}/ticket-keys`]: { as: 'anonymous', database: false, cases: [{ name: 'the public key set', status: 200 }] },

  [`POST ${API}/reports`]: {
    as: 'user',
    cases: [
      { name: 'a file', status: 201, body: (f) => ({ sha256: f.song, reason: 'mislabelled' }) },
      { name: 'neither a file nor a user', status: 400, body: { reason: 'something' } },
      { name: 'an unknown user', status: 404, body: { username: 'nobody-here', reason: 'spam' } },
      { name: 'the same file again', status: 409, body: (f) => ({ sha256: f.song, reason: 'still mislabelled' }) },
      { name: 'reports past the limit', status: 429, as: 'hasty', body: () => ({ sha256: randomSha256(), reason: 'again' }), repeat: 40 },
    ],
  },

  [`GET ${API}/admin/stats`]: {
    as: 'moderator',
    cases: [
      { name: 'the dashboard figures', status: 200 },
      { name: 'a plain user', status: 403, as: 'user' },
    ],
  },
  [`GET ${API}/admin/users`]: {
    as: 'moderator',
    cases: [
      { name: 'a filtered page', status: 200, query: { q: 'car', limit: '10' } },
      { name: 'a limit of zero', status: 400, query: { limit: '0' } },
      { name: 'a plain user', status: 403, as: 'user' },
    ],
  },
  [`POST ${API}/admin/users/{id}/ban`]: {
    as: 'moderator',
    cases: [
      { name: 'a plain user', status: 200, params: (f) => ({ id: f.carol.id }), body: { reason: 'spam' } },
      { name: 'no reason', status: 400, params: (f) => ({ id: f.carol.id }), body: {} },
      { name: 'from a plain user', status: 403, as: 'user', params: (f) => ({ id: f.carol.id }), body: { reason: 'spam' } },
      { name: 'an unknown user', status: 404, params: { id: SOME_UUID }, body: { reason: 'spam' } },
    ],
  },
  [`POST ${API}/admin/users/{id}/unban`]: {
    as: 'moderator',
    cases: [
      { name: 'a banned user', status: 200, params: (f) => ({ id: f.carol.id }) },
      { name: 'from a plain user', status: 403, as: 'user', params: (f) => ({ id: f.carol.id }) },
      { name: 'an unknown user', status: 404, params: { id: SOME_UUID } },
      { name: 'a user who is not banned', status: 409, params: (f) => ({ id: f.carol.id }) },
    ],
  },
  [`PATCH ${API}/admin/users/{id}/role`]: {
    as: 'admin',
    cases: [
      { name: 'a new role', status: 200, params: (f) => ({ id: f.carol.id }), body: { role: 'moderator' } },
      { name: 'a role that does not exist', status: 400, params: (f) => ({ id: f.carol.id }), body: { role: 'king' } },
      { name: 'from a moderator', status: 403, as: 'moderator', params: (f) => ({ id: f.carol.id }), body: { role: 'user' } },
      { name: 'an unknown user', status: 404, params: { id: SOME_UUID }, body: { role: 'user' } },
      { name: 'the role the user has', status: 409, params: (f) => ({ id: f.carol.id }), body: { role: 'moderator' } },
    ],
  },
  [`GET ${API}/admin/sessions`]: {
    as: 'moderator',
    cases: [
      { name: 'the online sessions', status: 200 },
      { name: 'a limit of zero', status: 400, query: { limit: '0' } },
      { name: 'a plain user', status: 403, as: 'user' },
    ],
  },
  [`POST ${API}/admin/sessions/{id}/kick`]: {
    as: 'moderator',
    cases: [
      { name: 'an online session', status: 204, params: (f) => ({ id: f.kickableSession }), body: { reason: 'flooding' } },
      { name: 'a reason that is not text', status: 400, params: (f) => ({ id: f.kickableSession }), body: { reason: 5 } },
      { name: 'from a plain user', status: 403, as: 'user', params: { id: SOME_UUID }, body: {} },
      { name: 'an unknown session', status: 404, params: { id: SOME_UUID }, body: {} },
    ],
  },
  [`DELETE ${API}/admin/files/{sha256}`]: {
    as: 'moderator',
    cases: [
      { name: 'a file in the index', status: 200, params: (f) => ({ sha256: f.removable }), body: { reason: 'takedown notice' } },
      { name: 'a reason that is not text', status: 400, params: (f) => ({ sha256: f.removable }), body: { reason: 5 } },
      { name: 'from a plain user', status: 403, as: 'user', params: (f) => ({ sha256: f.song }) },
      { name: 'a hash not in the index', status: 404, params: { sha256: randomSha256() } },
    ],
  },
  [`GET ${API}/admin/blocklist`]: {
    as: 'moderator',
    cases: [
      { name: 'the blocklist', status: 200 },
      { name: 'a limit of zero', status: 400, query: { limit: '0' } },
      { name: 'a plain user', status: 403, as: 'user' },
    ],
  },
  [`POST ${API}/admin/blocklist`]: {
    as: 'moderator',
    cases: [
      { name: 'a name pattern', status: 201, body: { pattern: '*forbidden*', reason: 'not allowed here' } },
      { name: 'a hash', status: 201, body: { sha256: sha256Hex('blocked bytes'), reason: 'known bad' } },
      { name: 'no hash and no pattern', status: 400, body: { reason: 'nothing' } },
      { name: 'from a plain user', status: 403, as: 'user', body: { pattern: 'whatever', reason: 'no' } },
      { name: 'a hash already blocked', status: 409, body: { sha256: sha256Hex('blocked bytes'), reason: 'again' } },
    ],
  },
  [`DELETE ${API}/admin/blocklist/{id}`]: {
    as: 'moderator',
    cases: [
      { name: 'an entry', status: 204, params: (f) => ({ id: f.blocklistEntry }) },
      { name: 'from a plain user', status: 403, as: 'user', params: (f) => ({ id: f.blocklistEntry }) },
      { name: 'an entry removed already', status: 404, params: (f) => ({ id: f.blocklistEntry }) },
    ],
  },
  [`GET ${API}/admin/audit`]: {
    as: 'moderator',
    cases: [
      { name: 'one action', status: 200, query: { action: 'user.ban' } },
      { name: 'an action that does not exist', status: 400, query: { action: 'user.eat' } },
      { name: 'a plain user', status: 403, as: 'user' },
    ],
  },
  [`GET ${API}/admin/reports`]: {
    as: 'moderator',
    cases: [
      { name: 'the open reports', status: 200, query: { status: 'open' } },
      { name: 'a status that does not exist', status: 400, query: { status: 'lost' } },
      { name: 'a plain user', status: 403, as: 'user' },
    ],
  },
  [`POST ${API}/admin/reports/{id}/resolve`]: {
    as: 'moderator',
    cases: [
      { name: 'an open report', status: 200, params: (f) => ({ id: f.reportToResolve }), body: { note: 'removed' } },
      { name: 'a note that is not text', status: 400, params: (f) => ({ id: f.reportToResolve }), body: { note: 5 } },
      { name: 'from a plain user', status: 403, as: 'user', params: (f) => ({ id: f.reportToResolve }), body: {} },
      { name: 'an unknown report', status: 404, params: { id: SOME_UUID }, body: {} },
      { name: 'a report decided already', status: 409, params: (f) => ({ id: f.reportToResolve }), body: {} },
    ],
  },
  [`POST ${API}/admin/reports/{id}/dismiss`]: {
    as: 'moderator',
    cases: [
      { name: 'an open report', status: 200, params: (f) => ({ id: f.reportToDismiss }), body: {} },
      { name: 'a note that is not text', status: 400, params: (f) => ({ id: f.reportToDismiss }), body: { note: 5 } },
      { name: 'from a plain user', status: 403, as: 'user', params: (f) => ({ id: f.reportToDismiss }), body: {} },
      { name: 'an unknown report', status: 404, params: { id: SOME_UUID }, body: {} },
      { name: 'a report decided already', status: 409, params: (f) => ({ id: f.reportToDismiss }), body: {} },
    ],
  },
};

/** Statuses no request here produces: 503 needs the database down. */
const NOT_PRODUCED_HERE = ['503'];

describe('the OpenAPI document', () => {
  let server: TestServer;
  let http: HttpClient;
  let document: OpenApiDocument;
  let validator: DocumentValidator;
  let fixtures: Fixtures;
  let endpoint: Server;
  const peers: ConnectedPeer[] = [];
  const observed = new Map<string, Set<string>>();

  beforeAll(async () => {
    server = await startTestServer({
      ...TEST_ENV,
      // Low enough for one address's registrations to reach it; the other requests come from 127.0.0.1.
      AUTH_RATE_LIMIT_PER_IP: '60',
      AUTH_RATE_LIMIT_PER_USERNAME: '8',
      SEARCH_RATE_LIMIT_PER_MINUTE: '15',
      LINK_RATE_LIMIT_PER_MINUTE: '20',
      REPORT_RATE_LIMIT_PER_USER: '6',
      TRANSFER_RATE_LIMIT_PER_MINUTE: '10',
      PEER_PROBE_TIMEOUT: '2s',
    });
    http = httpClient(server.baseUrl);
    const served = await http.get('/api/docs-json');
    withNote(JSON.stringify(served.body).slice(0, 500), () => expect(served.status).toBe(200));
    document = served.body;
    validator = new DocumentValidator(document);
    endpoint = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    fixtures = await createFixtures();
  });

  afterAll(async () => {
    for (const peer of peers) peer.close();
    endpoint?.close();
    await server?.close();
  });

  async function createFixtures(): Promise<Fixtures> {
    const admin = await signIn(http, ADMIN.username, ADMIN.password);
    const moderator = await accountWithRole(http, admin, 'moira', 'moderator');
    const user = await register(http, 'bob');
    const carol = await register(http, 'carol');
    const mallory = await register(http, 'mallory');
    const changer = await register(http, 'changer');
    const hasty = await register(http, 'hasty');
    const hoarder = await register(http, 'hoarder');
    await expectOk(http.post(`${API}/admin/users/${mallory.id}/ban`, { reason: 'conformance fixture' }, { token: admin.token }), 200);

    const apiKey = await expectOk(http.post(`${API}/me/api-keys`, { name: 'search' }, { token: user.token }), 201);
    const spareApiKey = await expectOk(http.post(`${API}/me/api-keys`, { name: 'spare' }, { token: user.token }), 201);

    // Files shared by real peers: alice is reachable, dave is firewalled, erin is there to be kicked.
    const port = (endpoint.address() as AddressInfo).port;
    const alice = await register(http, 'alice');
    const source = await connectPeer(server.baseUrl, { token: alice.token, port });
    peers.push(source);
    withNote(JSON.stringify(source.ready), () => expect(source.ready.firewalled).toBe(false));
    await source.ok('share:sync', { files: [entry('music/Song.mp3', 'song bytes'), entry('music/Takedown.mp3', 'takedown bytes')], final: true });
    const dave = await register(http, 'dave');
    const firewalled = await connectPeer(server.baseUrl, { token: dave.token });
    peers.push(firewalled);
    await firewalled.ok('share:sync', { files: [entry('music/Hidden Song.mp3', 'hidden bytes')], final: true });
    const erin = await register(http, 'erin');
    const kickable = await connectPeer(server.baseUrl, { token: erin.token });
    peers.push(kickable);

    const grant = await expectOk(http.post(`${API}/transfers`, { sha256: sha256Hex('song bytes') }, { token: user.token }), 201);
    const entryToRemove = await expectOk(http.post(`${API}/admin/blocklist`, { pattern: 'to be removed', reason: 'fixture' }, { token: moderator.token }), 201);
    const toResolve = await expectOk(http.post(`${API}/reports`, { username: 'carol', reason: 'rude' }, { token: user.token }), 201);
    const toDismiss = await expectOk(http.post(`${API}/reports`, { username: 'dave', reason: 'rude' }, { token: user.token }), 201);

    return {
      credentials: {
        user: { token: user.token },
        moderator: { token: moderator.token },
        admin: { token: admin.token },
        banned: { token: mallory.token },
        apiKey: { apiKey: apiKey.key },
        passwordChanger: { token: changer.token },
        hasty: { token: hasty.token },
        keyHoarder: { token: hoarder.token },
      },
      carol,
      song: sha256Hex('song bytes'),
      hidden: sha256Hex('hidden bytes'),
      removable: sha256Hex('takedown bytes'),
      sourceUsername: 'alice',
      kickableSession: kickable.ready.sessionId,
      spareApiKey: spareApiKey.id,
      blocklistEntry: entryToRemove.id,
      reportToResolve: toResolve.id,
      reportToDismiss: toDismiss.id,
      ticketId: grant.ticketId,
      refreshToken: (await signIn(http, 'bob', 'bob password')).refreshToken,
      bannedRefreshToken: mallory.refreshToken,
      logoutToken: (await signIn(http, 'carol', 'carol password')).refreshToken,
    };
  }

  async function expectOk(request: Promise<JsonResponse>, status: number): Promise<any> {
    const response = await request;
    withNote(JSON.stringify(response.body), () => expect(response.status).toBe(status));
    return response.body;
  }

  function documented(key: string): DocumentedOperation {
    const found = operationsOf(document).find((operation) => operation.key === key);
    if (!found) throw new Error(`${key} is not in the served document`);
    return found;
  }

  /** Sends one request and checks the answer against the document; returns the answer's status. */
  async function send(operation: DocumentedOperation, request: Request): Promise<number> {
    const params = resolved(request.params, fixtures) ?? {};
    const query = resolved(request.query, fixtures) ?? {};
    const body = resolved(request.body, fixtures);
    const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? `missing-${name}`));
    const search = new URLSearchParams(query).toString();
    const credentials = request.as === 'anonymous' ? {} : fixtures.credentials[request.as];
    const target = `${path}${search ? `?${search}` : ''}`;
    const response = request.from
      ? await requestFrom(request.from, `${server.baseUrl}${target}`, operation.method, { body, token: credentials.token })
      : await http.request(operation.method, target, {
          body,
          rawBody: request.rawBody,
          token: credentials.token,
          headers: credentials.apiKey ? { 'x-api-key': credentials.apiKey } : {},
        });
    const note = `${operation.key} as ${request.as}: ${JSON.stringify({ params, query, body: request.rawBody ? `${request.rawBody.slice(0, 40)}…` : body })}\n→ ${response.status} ${JSON.stringify(response.body).slice(0, 600)}`;
    withNote(note, () => expect(validator.responseProblems(operation, response.status, response.headers, response.body)).toEqual([]));
    if (response.status < 300) {
      withNote(`${note}\nThe server accepted this request; the document must accept it too.`, () =>
        expect(validator.requestProblems(operation, { params, query, body })).toEqual([]),
      );
    }
    const statuses = observed.get(operation.key) ?? new Set<string>();
    observed.set(operation.key, statuses.add(String(response.status)));
    return response.status;
  }

  describe('as a whole', () => {
    it('is valid against the OpenAPI 3.0 meta-schema', async () => {
      expect(document.openapi).toMatch(/^3\.0\./);
      expect(await metaSchemaProblems(document)).toEqual([]);
    });

    it('names its license and server, and describes every tag its operations use', () => {
      expect(document.info.license).toMatchObject({ name: 'MIT' });
      expect(document.servers?.length).toBeGreaterThan(0);
      const described = new Map((document.tags ?? []).map((tag) => [tag.name, tag.description]));
      for (const { key, operation } of operationsOf(document)) {
        withNote(key, () => expect(operation.summary).toBeTruthy());
        withNote(key, () => expect(operation.tags?.length).toBeGreaterThan(0));
        for (const tag of operation.tags ?? []) withNote(`${key}: tag ${tag}`, () => expect(described.get(tag)).toBeTruthy());
      }
    });

    it('requires credentials unless an operation says it needs none', () => {
      expect(document.security?.length).toBeGreaterThan(0);
      for (const { key, operation } of operationsOf(document)) {
        const cases = OPERATIONS[key];
        if (!cases) continue;
        withNote(`${key} is called as ${cases.as}: its security must say so`, () =>
          expect(effectiveSecurity(document, operation).length === 0).toBe(cases.as === 'anonymous'),
        );
        if (cases.as === 'anonymous') withNote(key, () => expect(operation.security).toEqual([]));
      }
    });

    it('lists every route Nest mapped, and only those', () => {
      expect(operationsOf(document).map(({ key }) => key).sort()).toEqual(mappedRoutes(server.app).sort());
    });

    it('has a table entry for every operation it documents', () => {
      expect(operationsOf(document).map(({ key }) => key).sort()).toEqual(Object.keys(OPERATIONS).sort());
    });

    it('uses only patterns that validators in other languages read the same way', () => {
      expect(unportablePatterns(document)).toEqual([]);
    });

    it('says which fields of every response object are always there', () => {
      expect(responseObjectsWithoutRequired(document)).toEqual([]);
    });

    it('declares Retry-After on every 429 and 503 error, and 503 wherever the database is used', () => {
      for (const { key, operation } of operationsOf(document)) {
        for (const status of ['429', '503']) {
          // /health's 503 is its report of what is down, not an error to retry.
          const response = operation.responses[status];
          const isError = JSON.stringify(response?.content ?? {}).includes('#/components/schemas/ErrorBody');
          if (response && isError) withNote(`${key} ${status}`, () => expect(response.headers?.['Retry-After']).toBeDefined());
        }
        if (OPERATIONS[key]?.database !== false) withNote(`${key} uses the database`, () => expect(operation.responses['503']).toBeDefined());
      }
    });

    it('gives a body schema to every answer but 204, with examples that fit it', () => {
      for (const { key, operation } of operationsOf(document)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          const content = Object.values(response.content ?? {});
          withNote(`${key} ${status}: ${JSON.stringify(response).slice(0, 300)}`, () => {
            expect(response.description).toBeTruthy();
            if (status === '204') expect(content).toEqual([]);
            else expect(content.length > 0 && content.every((media) => media.schema)).toBe(true);
          });
        }
      }
      expect(validator.exampleProblems()).toEqual([]);
    });
  });

  describe.each(Object.entries(OPERATIONS))('%s', (key, { as, cases }) => {
    it.each(cases.map((c) => [c.name, c] as const))('answers %s as documented', async (_name, testCase) => {
      const operation = documented(key);
      const caller = testCase.as ?? as;
      let status = await send(operation, { ...testCase, as: caller });
      for (let attempt = 1; attempt < (testCase.repeat ?? 1) && status !== testCase.status; attempt += 1) {
        status = await send(operation, { ...testCase, as: caller });
      }
      withNote(`${key}: ${testCase.name}`, () => expect(status).toBe(testCase.status));
    });

    // Public operations without a body (health, metrics, keys) imply no such requests.
    if (as === 'anonymous' && cases.every((c) => c.body === undefined)) return;
    it('answers the requests the document implies: credentials, bodies and ids', async () => {
      const operation = documented(key);
      const schemes = acceptedSchemes(document, operation.operation);
      const implied: Array<{ why: string; status: number; request: Request }> = [];
      const good = cases.find((c) => c.status < 300) ?? cases[0]!;
      const goodRequest: Request = { params: good.params, query: good.query, body: good.body, as: good.as ?? as };
      if (schemes.length > 0) {
        implied.push({ why: 'without credentials', status: 401, request: { ...goodRequest, as: 'anonymous' } });
        if (!schemes.includes('api-key')) implied.push({ why: 'with an API key', status: 401, request: { ...goodRequest, as: 'apiKey' } });
        if (schemes.includes('bearer')) implied.push({ why: 'from a banned account', status: 403, request: { ...goodRequest, as: 'banned' } });
      }
      if (operation.operation.requestBody) {
        implied.push({ why: 'with malformed JSON', status: 400, request: { ...goodRequest, body: undefined, rawBody: '{"broken":' } });
        implied.push({ why: 'with a body over the size limit', status: 413, request: { ...goodRequest, body: undefined, rawBody: OVERSIZED_BODY } });
      }
      for (const parameter of operation.operation.parameters ?? []) {
        if (parameter.in !== 'path' || !(parameter.schema?.format || parameter.schema?.pattern)) continue;
        const params = { ...resolved(good.params, fixtures), [parameter.name]: 'not-an-id' };
        implied.push({ why: `with a malformed ${parameter.name}`, status: 400, request: { ...goodRequest, params } });
      }
      expect(implied.length).toBeGreaterThan(0);
      for (const { why, status, request } of implied) {
        const answered = await send(operation, request);
        withNote(`${key} ${why}`, () => expect(answered).toBe(status));
      }
    });
  });

  // Jest runs a block's own tests before its nested blocks: this one must come after all the requests.
  describe('after every request', () => {
    it('produced every status the document lists for each operation', () => {
      for (const { key, operation } of operationsOf(document)) {
        const listed = Object.keys(operation.responses).filter((status) => !NOT_PRODUCED_HERE.includes(status));
        withNote(`${key}: listed statuses no request produced`, () =>
          expect(listed.filter((status) => !observed.get(key)?.has(status))).toEqual([]),
        );
      }
    });
  });
});
