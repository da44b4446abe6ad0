/**
 * A java.util.Properties file. Keys keep their order (the model groups them: identity, listeners, quorum, storage,
 * defaults, overrides) so diffs between renders stay readable.
 */
export function formatProperties(properties: Readonly<Record<string, string>>, header?: string): string {
  const lines = header ? header.split('\n').map((l) => `# ${l}`) : [];
  for (const [key, value] of Object.entries(properties)) lines.push(`${escapeText(key, true)}=${escapeText(value, false)}`);
  return `${lines.join('\n')}\n`;
}

export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const logical: string[] = [];
  let buffer = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = buffer === '' ? raw.replace(/^\s+/, '') : raw.replace(/^\s+/, '');
    if (buffer === '' && (line === '' || line.startsWith('#') || line.startsWith('!'))) continue;
    const continued = /(^|[^\\])(\\\\)*\\$/.test(line);
    buffer += continued ? line.slice(0, -1) : line;
    if (!continued) {
      logical.push(buffer);
      buffer = '';
    }
  }
  if (buffer !== '') logical.push(buffer);
  for (const line of logical) {
    let i = 0;
    let key = '';
    for (; i < line.length; i++) {
      const c = line[i]!;
      if (c === '\\') {
        key += unescapeChar(line, i);
        i += line[i + 1] === 'u' ? 5 : 1;
      } else if (c === '=' || c === ':' || c === ' ' || c === '\t') break;
      else key += c;
    }
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
    if (line[i] === '=' || line[i] === ':') i++;
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
    let value = '';
    for (; i < line.length; i++) {
      const c = line[i]!;
      if (c === '\\') {
        value += unescapeChar(line, i);
        i += line[i + 1] === 'u' ? 5 : 1;
      } else value += c;
    }
    out[key] = value;
  }
  return out;
}

function unescapeChar(line: string, i: number): string {
  const next = line[i + 1] ?? '';
  if (next === 'u') return String.fromCharCode(parseInt(line.slice(i + 2, i + 6), 16));
  return ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[next] ?? next;
}

function escapeText(text: string, isKey: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const code = c.charCodeAt(0);
    if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '\f') out += '\\f';
    else if ((isKey && (c === '=' || c === ':' || c === ' ')) || c === '#' || c === '!') out += i === 0 || isKey ? `\\${c}` : c;
    else if (c === ' ' && i === 0) out += '\\ ';
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return out;
}
