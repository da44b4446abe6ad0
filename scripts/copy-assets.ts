// The publishable build: tsc emits dist/; every other file under src/ that the code reads next to itself at run time
// (the pinned Kafka jar lists, the console's CSS and script) is copied beside it, so `new URL('./…', import.meta.url)`
// resolves the same way from src/ and dist/. One rule for `npm run build`, the Dockerfile and the test images
// (scripts/kube-node/images.sh); test/build/dist.test.ts builds and serves from the result.
//   node scripts/copy-assets.ts [OUT_DIR]   (default: dist/ of this checkout)
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const out = resolve(process.argv[2] ?? join(root, 'dist'));

/** Not shipped: the sources tsc compiles and the notes written for developers of the code beside them. */
const skip = (name: string) => name.endsWith('.ts') || name.endsWith('.md');

let copied = 0;
for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || skip(entry.name)) continue;
  const from = join(entry.parentPath, entry.name);
  const to = join(out, relative(src, from));
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
  copied++;
}
process.stdout.write(`copied ${copied} run-time files from src/ to ${relative(process.cwd(), out) || '.'}\n`);
