// The publishable build: tsc emits dist/; data files the code reads at run time (pinned Kafka jar lists) are copied
// beside it so `new URL('./distributions/…', import.meta.url)` resolves the same way from src/ and dist/.
import { cpSync, existsSync } from 'node:fs';

const root = new URL('..', import.meta.url);
for (const dir of ['local/distributions']) {
  const from = new URL(`src/${dir}`, root);
  if (existsSync(from)) cpSync(from, new URL(`dist/${dir}`, root), { recursive: true });
}
