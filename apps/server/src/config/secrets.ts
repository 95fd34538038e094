import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Secrets the server generates on first start when configuration does not supply them, kept in
 * the data dir so tokens stay valid across restarts. Several nodes behind a load balancer must be
 * given the same values through the environment instead (docs/operations.md).
 */
export interface GeneratedSecrets {
  jwtSecret: string;
  embeddedPgPassword: string;
  /** Ed25519 private key, PKCS#8 PEM */
  ticketSigningKey: string;
}

export async function loadOrCreateSecrets(dataDir: string): Promise<GeneratedSecrets> {
  const file = join(dataDir, 'secrets.json');
  const existing = await readJson(file);
  const secrets: GeneratedSecrets = {
    jwtSecret: existing.jwtSecret ?? randomBytes(48).toString('base64url'),
    embeddedPgPassword: existing.embeddedPgPassword ?? randomBytes(24).toString('base64url'),
    ticketSigningKey: existing.ticketSigningKey ?? newTicketKey(),
  };
  const changed = (Object.keys(secrets) as Array<keyof GeneratedSecrets>).some((key) => existing[key] !== secrets[key]);
  if (changed) {
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}

async function readJson(file: string): Promise<Partial<GeneratedSecrets>> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Partial<GeneratedSecrets>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`Cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}

function newTicketKey(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}
