import { countNodes } from '../../api/semantics.ts';
import { type Io, printJson } from '../output.ts';
import { readSpecFile } from '../spec-file.ts';

export async function runValidate(flags: { file: string }, io: Io): Promise<number> {
  const spec = await readSpecFile(flags.file);
  if (io.format === 'json') {
    printJson(io, { valid: true, ...spec });
    return 0;
  }
  const lines = [`${flags.file} is valid:`];
  for (const c of spec.clusters) {
    lines.push(`  KafkaCluster ${c.metadata.name}: Kafka ${c.spec.version}, ${countNodes(c, 'broker')} brokers, ${countNodes(c, 'controller')} controllers, listeners ${c.spec.listeners.map((l) => `${l.name}:${l.port}`).join(' ')}`);
  }
  for (const t of spec.topics) lines.push(`  KafkaTopic ${t.topic.metadata.name}${t.cluster ? ` (cluster ${t.cluster})` : ''}`);
  for (const u of spec.users) lines.push(`  KafkaUser ${u.user.metadata.name}${u.cluster ? ` (cluster ${u.cluster})` : ''}`);
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
