import { type PeerHome, sameServer } from '../cli/peer-home.js';

/** How CLI commands find the running daemon: written by `peerdex up`, removed when it stops. */
export interface DaemonFile {
  pid: number;
  server: string;
  controlUrl: string;
  controlToken: string;
  /** the web UI (same server as controlUrl), or null with `--no-ui` */
  uiUrl?: string | null;
  startedAt: string;
}

export const DAEMON_FILE = 'daemon.json';

/** The running daemon for this home and server, if its process is alive. */
export async function runningDaemon(home: PeerHome, server: string): Promise<DaemonFile | undefined> {
  const daemon = await home.read<DaemonFile>(DAEMON_FILE);
  if (!daemon || !sameServer(daemon.server, server)) return undefined;
  try {
    process.kill(daemon.pid, 0);
    return daemon;
  } catch {
    return undefined; // a daemon that died without cleaning up
  }
}
