import { KafkaplaneError } from '../errors.ts';

/**
 * Turns a delimiter or format literal typed on a command line into bytes, the way kcat reads `-D`, `-K` and `-f`:
 * `\n \r \t`, `\xHH` (hex byte), `\NNN` (a number in C `strtoul` base-0 form: `\0`, `\012` octal, `\10` decimal),
 * and `\c` for any other character c (so `\\` is a backslash). Everything else is the UTF-8 of the text.
 */
export function unescapeBytes(text: string, what = 'value'): Buffer {
  const out: number[] = [];
  const utf8 = Buffer.from(text, 'utf8');
  for (let i = 0; i < utf8.length; i++) {
    const c = utf8[i]!;
    if (c !== 0x5c /* \ */ || i === utf8.length - 1) {
      out.push(c);
      continue;
    }
    const next = utf8[++i]!;
    const ch = String.fromCharCode(next);
    if (ch === 'n') out.push(0x0a);
    else if (ch === 'r') out.push(0x0d);
    else if (ch === 't') out.push(0x09);
    else if (ch === 'x') {
      const hex = /^[0-9a-fA-F]{1,2}/.exec(utf8.subarray(i + 1, i + 3).toString('latin1'))?.[0];
      if (hex === undefined) throw new KafkaplaneError('BAD_ESCAPE', `${what}: "\\x" must be followed by one or two hex digits`);
      out.push(parseInt(hex, 16));
      i += hex.length;
    } else if (next >= 0x30 && next <= 0x39) {
      const digits = /^[0-9]+/.exec(utf8.subarray(i, i + 4).toString('latin1'))![0];
      const octal = digits.length > 1 && digits.startsWith('0');
      const valid = octal ? /^0[0-7]*/.exec(digits)![0] : digits;
      const value = octal ? parseInt(valid, 8) : parseInt(valid, 10);
      if (value > 255) throw new KafkaplaneError('BAD_ESCAPE', `${what}: "\\${valid}" is not a byte value (0-255)`);
      out.push(value);
      i += valid.length - 1;
    } else out.push(next);
  }
  return Buffer.from(out);
}
