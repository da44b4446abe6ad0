import { Document } from 'yaml';
import type { KubeObject } from '../objects.ts';

/** One YAML document, formatted the same way every time (no line folding, literal blocks for multi-line strings). */
export function toYaml(value: unknown, comment?: string): string {
  const doc = new Document(value, { sortMapEntries: false, aliasDuplicateObjects: false });
  if (comment) doc.commentBefore = comment;
  return doc.toString({ lineWidth: 0, blockQuote: 'literal', indentSeq: true, defaultKeyType: 'PLAIN' });
}

/** A multi-document stream for `kubectl apply -f`. */
export function toMultiDocYaml(objects: readonly KubeObject[], header: string): string {
  return objects.map((o, i) => `---\n${toYaml(o, i === 0 ? header : undefined)}`).join('');
}
