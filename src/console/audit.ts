import { appendFileSync } from 'node:fs';

/** One audit line: who did what to which object, when, and how it ended. Never a password or record content. */
export interface AuditEntry {
  time: string;
  user: string;
  action: string;
  target: string;
  details?: Record<string, string | number | boolean>;
  result: string;
}

/** What a handler says about its mutation (the app adds who, when and the result). */
export interface AuditNote {
  action: string;
  target: string;
  details?: Record<string, string | number | boolean>;
}

export interface AuditSink {
  write(entry: AuditEntry): void;
}

/** JSON lines appended to a file (synchronously: a line is on disk before the answer leaves), or to a stream. */
export function auditLog(target: { file: string } | { stream: NodeJS.WritableStream }): AuditSink {
  return {
    write(entry) {
      const line = `${JSON.stringify(entry)}\n`;
      if ('file' in target) appendFileSync(target.file, line, { mode: 0o600 });
      else target.stream.write(line);
    },
  };
}

/** Collects entries in memory (tests, and the in-page "recent changes" list). */
export class MemoryAudit implements AuditSink {
  readonly entries: AuditEntry[] = [];
  write(entry: AuditEntry): void {
    this.entries.push(entry);
  }
}
