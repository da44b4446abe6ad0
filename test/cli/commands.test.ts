// The command table: every command declared once, each with a command module that exports its function and a
// printer; the program built from it; printers that keep JSON shapes (offsets as exact numbers).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { COMMANDS } from '../../src/cli/commands.ts';
import type { Io } from '../../src/cli/output.ts';
import { groupsDescribePrinter, groupsResetOffsetsPrinter } from '../../src/cli/print/groups.ts';
import { printResult } from '../../src/cli/program.ts';
import { runCli } from '../helpers/cli.ts';

test('every declared command loads its function and its printer; names are unique', async () => {
  const names = COMMANDS.map((c) => c.name);
  assert.equal(new Set(names).size, names.length);
  for (const declaration of COMMANDS) {
    const [run, printer] = await Promise.all([declaration.run(), declaration.printer()]);
    assert.equal(typeof run, 'function', declaration.name);
    assert.equal(typeof printer.text, 'function', declaration.name);
  }
  // Every command is reachable by its words (`kafkaplane topics list --help`).
  for (const name of names) {
    const r = await runCli([...name.split(' '), '--help']);
    assert.equal(r.code, 0, name);
    assert.match(r.stdout, new RegExp(`^Usage: kafkaplane ${name} `), name);
  }
});

test("--version is package.json's", async () => {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal((await runCli(['--version'])).stdout, `${version}\n`);
});

function jsonIo(): { io: Io; out: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write: (c: Buffer, _e, cb) => {
      chunks.push(c.toString());
      cb();
    },
  });
  return { io: { stdout: sink, stderr: new Writable({ write: (_c, _e, cb) => cb() }), quiet: true, format: 'json' }, out: () => chunks.join('') };
}

test("groups JSON: offsets are JSON numbers with every digit of Kafka's int64 (no rounding, no strings)", () => {
  const big = 2n ** 53n + 1n;
  const { io, out } = jsonIo();
  const row = { group: 'g', topic: 't', partition: 0, currentOffset: big, logEndOffset: big + 2n, lag: 2n, consumerId: null, host: null, clientId: null };
  const report = {
    view: 'offsets' as const,
    verbose: false,
    groups: [{ group: 'g', type: 'classic', state: 'Empty', assignor: '', coordinator: { id: 0, host: 'h', port: 1 }, groupEpoch: null, assignmentEpoch: null, members: [], offsets: [row] }],
  };
  assert.equal(printResult(groupsDescribePrinter, report, io), 0);
  assert.match(out(), /"currentOffset": 9007199254740993,\n\s+"logEndOffset": 9007199254740995,\n\s+"lag": 2,/);
  const parsed = JSON.parse(out()) as { groups: { offsets: { lag: number }[] }[] };
  assert.equal(parsed.groups[0]!.offsets[0]!.lag, 2);

  const reset = jsonIo();
  printResult(groupsResetOffsetsPrinter, { executed: false, csv: false, plans: [{ group: 'g', warnings: [], rows: [{ topic: 't', partition: 0, current: null, newOffset: big }] }] }, reset.io);
  assert.deepEqual(JSON.parse(reset.out()), { executed: false, groups: [{ group: 'g', offsets: [{ topic: 't', partition: 0, current: null, newOffset: 9007199254740992 }] }] });
  assert.match(reset.out(), /"newOffset": 9007199254740993/);
});
