import type { Writable } from 'node:stream';

export type OutputFormat = 'text' | 'json';

/** Where a command writes: data to stdout, progress and diagnostics to stderr (so `-o json | jq` stays clean). */
export interface Io {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  quiet: boolean;
  format: OutputFormat;
}

export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
}

/** An aligned table: columns padded to their widest cell, like kubectl get. */
export function formatTable(headers: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined || c === '' ? '-' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

/** Progress on stderr: rewrites one line on a terminal, prints plain lines otherwise; silent with --quiet. */
export function progress(io: Io) {
  let transient = false;
  const clear = () => {
    if (transient && io.stderr.isTTY) io.stderr.write('\r\x1b[2K');
    transient = false;
  };
  return {
    line(message: string) {
      if (io.quiet) return;
      clear();
      io.stderr.write(`${message}\n`);
    },
    /** A line that the next one replaces (on a TTY); on a pipe only the messages that matter are printed. */
    update(message: string, important = false) {
      if (io.quiet) return;
      if (io.stderr.isTTY) {
        clear();
        io.stderr.write(message);
        transient = true;
      } else if (important) {
        io.stderr.write(`${message}\n`);
      }
    },
    done() {
      clear();
    },
  };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
