import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A secret kept in a file (trimmed), or undefined when the file does not exist. */
export async function readSecret(file: string): Promise<string | undefined> {
  return existsSync(file) ? (await readFile(file, 'utf8')).trim() : undefined;
}

/** The password kept in `file`, made (CSPRNG, 144 bits) and written with mode 0600 the first time. */
export async function ensurePassword(file: string): Promise<{ password: string; created: boolean }> {
  const existing = await readSecret(file);
  if (existing !== undefined) return { password: existing, created: false };
  const password = randomBytes(18).toString('base64url');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return { password, created: true };
}
