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

/**
 * A Kafka int64 (an offset) as a JSON number with every digit: JSON.stringify has no bigint, and a string would change
 * the shape scripts parse. JSON.rawJSON is in Node ≥ 21 (not yet in TypeScript's lib).
 */
export function jsonInt64(value: bigint): unknown {
  return (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON(value.toString());
}

/** An aligned table: columns padded to their widest cell, like kubectl get. */
export function formatTable(headers: readonly string[], rows: readonly (readonly (string | number | bigint | null | undefined)[])[]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined || c === '' ? '-' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return (
    cells
      .map((r) =>
        r
          .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** Streams that show a progress line the next write must clear first (a terminal only). */
const transientLine = new WeakSet<object>();

function clearTransient(io: Io): void {
  if (!transientLine.has(io.stderr)) return;
  transientLine.delete(io.stderr);
  if (io.stderr.isTTY) io.stderr.write('\r\x1b[2K');
}

/**
 * One whole line on stderr: a progress line still on the terminal is cleared first, and the line always ends with a
 * newline (so the next line, or the shell prompt, never runs into it). Every diagnostic goes through here.
 */
export function writeStderrLine(io: Io, text: string): void {
  clearTransient(io);
  io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** A stderr line that --quiet silences (summaries such as "committed 3 offsets"). */
export function writeNote(io: Io, text: string): void {
  if (!io.quiet) writeStderrLine(io, text);
}

export interface ProgressOptions {
  /** The clock, in ms (tests inject one). */
  now?: () => number;
  /** Off a terminal: print a percentage line only after it grew by this many points… */
  stepPercent?: number;
  /** …or after this many ms since the last printed line. */
  intervalMs?: number;
}

/** Progress on stderr: rewrites one line on a terminal, prints plain lines otherwise; silent with --quiet. */
export function progress(io: Io, options: ProgressOptions = {}) {
  const now = options.now ?? Date.now;
  const step = options.stepPercent ?? 10;
  const interval = options.intervalMs ?? 5000;
  let lastPercent = -Infinity;
  let lastAt = -Infinity;
  const transient = (message: string) => {
    clearTransient(io);
    io.stderr.write(message);
    transientLine.add(io.stderr);
  };
  return {
    line(message: string) {
      if (io.quiet) return;
      writeStderrLine(io, message);
    },
    /** A line that the next one replaces (on a TTY); on a pipe only the messages that matter are printed. */
    update(message: string, important = false) {
      if (io.quiet) return;
      if (io.stderr.isTTY) transient(message);
      else if (important) writeStderrLine(io, message);
    },
    /**
     * A transfer at `percent`: on a terminal every update rewrites the line; in a log (CI, a pipe, a file) a line is
     * printed at the start, at the end, and in between at most every `stepPercent` points or `intervalMs`.
     */
    percent(message: string, percent: number, done: boolean) {
      if (io.quiet) return;
      if (io.stderr.isTTY) {
        transient(message);
        return;
      }
      const t = now();
      if (!done && percent < lastPercent + step && t - lastAt < interval) return;
      lastPercent = percent;
      lastAt = t;
      writeStderrLine(io, message);
    },
    done() {
      clearTransient(io);
    },
  };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

/** One log line, prefixed with its node when several nodes' logs are shown. */
export function logLine(node: number, line: string, several: boolean): string {
  return `${several ? `[node ${node}] ` : ''}${line}\n`;
}
