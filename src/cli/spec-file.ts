import { readFile } from 'node:fs/promises';
import { KafkaplaneError } from '../errors.ts';
import { type SpecFile, parseSpec } from '../api/load.ts';

/**
 * The largest spec file read: a spec is a few KB, and YAML parsing of a file of tens of MB takes minutes (an 18 MB
 * file did not finish in 10), so a file that size is a mistake and is refused before it is parsed.
 */
export const MAX_SPEC_BYTES = 1024 * 1024;

/** Reads and validates a spec file ("-" reads standard input). */
export async function readSpecFile(file: string): Promise<SpecFile> {
  let bytes: Buffer;
  try {
    bytes = file === '-' ? await readStdin() : await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KafkaplaneError('SPEC_UNREADABLE', `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(error)}`, {
      hint: 'pass the path of a cluster spec, e.g. -f examples/seed-002-combined.yaml',
    });
  }
  const source = file === '-' ? 'standard input' : file;
  if (bytes.length > MAX_SPEC_BYTES) {
    throw new KafkaplaneError('SPEC_UNREADABLE', `${source} is ${bytes.length} bytes; a spec file is at most ${MAX_SPEC_BYTES} bytes (1 MiB)`, {
      hint: 'pass the cluster spec (a few KB of YAML), e.g. -f examples/seed-002-combined.yaml',
    });
  }
  return parseSpec(bytes.toString('utf8'), source);
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
