import { readFile } from 'node:fs/promises';
import { KafkaplaneError } from '../errors.ts';
import { type SpecFile, parseSpec } from '../api/load.ts';

/** Reads and validates a spec file ("-" reads standard input). */
export async function readSpecFile(file: string): Promise<SpecFile> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KafkaplaneError('SPEC_UNREADABLE', `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(error)}`, {
      hint: 'pass the path of a cluster spec, e.g. -f examples/seed-002-combined.yaml',
    });
  }
  return parseSpec(text, file === '-' ? 'standard input' : file);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
