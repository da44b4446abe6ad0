// How a record's bytes are shown: JSON (pretty, when the bytes are JSON), text (UTF-8) or hex. Pure.
export type ValueFormat = 'json' | 'text' | 'hex';

export function showBytes(bytes: Buffer | null, format: ValueFormat): { text: string; kind: string } {
  if (bytes === null) return { text: 'null', kind: 'null' };
  if (format === 'hex') return { text: hexDump(bytes), kind: 'hex' };
  const text = bytes.toString('utf8');
  if (format === 'json') {
    try {
      return { text: JSON.stringify(JSON.parse(text), null, 2), kind: 'json' };
    } catch {
      // Not JSON: shown as text.
    }
  }
  return { text, kind: 'text' };
}

export function hexDump(bytes: Buffer, max = 4096): string {
  const lines: string[] = [];
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i += 16) {
    const row = bytes.subarray(i, Math.min(i + 16, n));
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${i.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  if (bytes.length > max) lines.push(`… ${bytes.length - max} more bytes`);
  return lines.join('\n');
}

/** `name=value` lines to record headers (a header name may repeat). */
export function headerLines(text: string): [Buffer, Buffer][] {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const at = line.indexOf('=');
      return at < 0 ? [Buffer.from(line.trim()), Buffer.alloc(0)] : [Buffer.from(line.slice(0, at).trim()), Buffer.from(line.slice(at + 1))];
    });
}
