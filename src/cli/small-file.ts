// Small text files named by flags (--command-config, --tls-ca, --producer.config, --from-file): read with a size cap,
// as UTF-8 text, or refused with exit 2 naming the flag and the file (issue 12: oversized and non-UTF-8 input).
import { type FileHandle, open } from 'node:fs/promises';
import { type ErrorCode, KafkaplaneError } from '../errors.ts';
/** The largest configuration file read (client properties, CA, CSV): they are a few KB; a bigger file is the wrong file. */
export const MAX_SMALL_FILE_BYTES = 1024 * 1024;

/**
 * Reads a small text file named by a flag: refused with exit 2 (naming the flag and the file) when it cannot be read,
 * is larger than MAX_SMALL_FILE_BYTES (checked before reading, so /dev/zero or a log file cannot fill memory), or is
 * not UTF-8 text.
 */
export async function readSmallTextFile(file: string, where: string, what: string, code: ErrorCode = 'BAD_CLIENT_CONFIG'): Promise<string> {
  const refuse = (why: string): never => {
    throw new KafkaplaneError(code, `${where} ${file}: ${why}`, { exitCode: 2, hint: `pass ${what}` });
  };
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return refuse(code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot open it (${code ?? String(error)})`);
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) return refuse('it is a directory');
    if (info.isFile() && info.size > MAX_SMALL_FILE_BYTES) return refuse(`it is ${info.size} bytes; at most ${MAX_SMALL_FILE_BYTES} bytes (1 MiB) are read`);
    // Not a regular file (a pipe, a device): read at most one byte more than the limit.
    const buffer = Buffer.alloc(MAX_SMALL_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_SMALL_FILE_BYTES) return refuse(`it holds more than ${MAX_SMALL_FILE_BYTES} bytes (1 MiB)`);
    }
    const bytes = buffer.subarray(0, length);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return refuse('it is not UTF-8 text (a binary file?)');
    }
    const nul = text.indexOf('\0');
    if (nul >= 0) return refuse(`it is not a text file (a NUL byte at offset ${Buffer.byteLength(text.slice(0, nul))})`);
    return text;
  } finally {
    await handle.close();
  }
}
