import { randomFillSync } from 'node:crypto';
import { open } from 'node:fs/promises';

/** Writes `size` random bytes to `path` (incompressible, no two benchmark files alike). */
export async function makeFile(path: string, size: number): Promise<void> {
  const handle = await open(path, 'w');
  const block = Buffer.allocUnsafe(16 * 1024 * 1024);
  for (let written = 0; written < size; written += block.length) {
    randomFillSync(block);
    await handle.write(block, 0, Math.min(block.length, size - written));
  }
  await handle.close();
}
