import { spawn } from 'node:child_process';

/** The program that opens a URL or a folder on this desktop, or undefined where there is no desktop. */
function desktopOpener(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  if (process.platform === 'darwin') return ['open'];
  if (process.platform === 'win32') return ['explorer'];
  return env.DISPLAY || env.WAYLAND_DISPLAY ? ['xdg-open'] : undefined;
}

/**
 * Hands a URL or a folder to the desktop (xdg-open, open, explorer). Resolves true once the opener
 * started (it may still find nothing to open with), false where there is no desktop or no opener.
 */
export function openOnDesktop(target: string): Promise<boolean> {
  const opener = desktopOpener();
  if (!opener) return Promise.resolve(false);
  return new Promise((resolve) => {
    const child = spawn(opener[0]!, [...opener.slice(1), target], { stdio: 'ignore', detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}
