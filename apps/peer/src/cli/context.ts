import { UsageError } from './errors.js';
import { DirectoryClient } from './directory-client.js';
import { PeerHome } from './peer-home.js';

/** What `npm start` prints for the server's default HOST (127.0.0.1). */
export const DEFAULT_SERVER = 'http://127.0.0.1:3000';

export interface GlobalOptions {
  server?: string;
}

/** What every command works with: where the server is, where state lives, how to print. */
export interface CliContext {
  server: string;
  home: PeerHome;
  client: DirectoryClient;
  out: (line: string) => void;
  err: (line: string) => void;
}

export function createContext(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): CliContext {
  const server = normaliseServer(options.server ?? (env.PEERDEX_SERVER || DEFAULT_SERVER));
  const home = PeerHome.resolve(env);
  return {
    server,
    home,
    client: new DirectoryClient(server, home),
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
}

function normaliseServer(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--server must be a URL like http://127.0.0.1:3000 (got "${url}")`);
  }
  if (!['http:', 'https:'].includes(parsed.protocol)) throw new UsageError(`--server must be an http(s) URL (got "${url}")`);
  return parsed.origin;
}
