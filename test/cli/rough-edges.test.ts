// Rough edges users hit, each fixed and pinned here: whole stderr lines (a progress line never swallows the next
// one), produce naming a missing file as missing, --timeout's message agreeing with what it accepts, and `up`'s
// download progress staying short in a log.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { type Io, progress, writeStderrLine } from '../../src/cli/output.ts';
import { upProgress } from '../../src/cli/print/local.ts';
import { runCli } from '../helpers/cli.ts';

/** An Io that records stderr writes; `tty` makes stderr look like a terminal. */
function recordingIo(tty: boolean): { io: Io; writes: string[] } {
  const writes: string[] = [];
  const stderr = Object.assign(
    new Writable({
      write: (c: Buffer, _e, cb) => {
        writes.push(c.toString());
        cb();
      },
    }),
    { isTTY: tty },
  );
  const stdout = new Writable({ write: (_c, _e, cb) => cb() });
  return { io: { stdout, stderr, quiet: false, format: 'text' }, writes };
}

test('a diagnostic is a whole line: a newline is added when missing, and a progress line on a terminal is cleared first', () => {
  const { io, writes } = recordingIo(true);
  const bar = progress(io);
  bar.update('waiting for the quorum…');
  writeStderrLine(io, 'error: the cluster did not become ready');
  writeStderrLine(io, 'hint: look at the logs\n');
  assert.deepEqual(writes, ['waiting for the quorum…', '\r\x1b[2K', 'error: the cluster did not become ready\n', 'hint: look at the logs\n']);
  // Off a terminal nothing transient is printed, so there is nothing to clear.
  const plain = recordingIo(false);
  progress(plain.io).update('waiting for the quorum…');
  writeStderrLine(plain.io, 'error: x');
  assert.deepEqual(plain.writes, ['error: x\n']);
});

test('every stderr write of the CLI ends with a newline (usage errors, hints, warnings, notes)', async () => {
  const example = new URL('../../examples/seed-002-combined.yaml', import.meta.url).pathname;
  const runs = [
    ['groups', 'reset-offsets', 'g', '--to-earliest', '--topic', 'a:x', '-b', '127.0.0.1:1'],
    ['groups', 'reset-offsets', 'g', '--by-duration', 'xx', '--all-topics'],
    ['topics', 'list', '-b', '127.0.0.1:1', '-o', 'beginning'],
    ['connect-info', '-f', example],
    ['produce', '-t', 'x', '-b', '127.0.0.1:1', '/nonexistent/file'],
    ['consume', '-t', 'x', '-b', '127.0.0.1:1', '-o', 'yesterday'],
    ['up'],
  ];
  for (const args of runs) {
    const r = await runCli(args);
    assert.ok(r.stderrWrites.length > 0, args.join(' '));
    for (const w of r.stderrWrites) assert.ok(w.endsWith('\n'), `${args.join(' ')}: ${JSON.stringify(w)}`);
  }
});

test('produce FILE: a file that does not exist is named as missing; a directory is not a file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kafkaplane-produce-'));
  try {
    const missing = await runCli(['produce', '-t', 'x', '-b', '127.0.0.1:1', join(dir, 'nope.bin')]);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, `error: cannot read ${join(dir, 'nope.bin')}: it does not exist\n`);
    const directory = await runCli(['produce', '-t', 'x', '-b', '127.0.0.1:1', dir]);
    assert.equal(directory.code, 2);
    assert.equal(directory.stderr, `error: cannot read ${dir}: not a file\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('--timeout of the Kafka commands: more than 0 and at most 3600 seconds, as the message says', async () => {
  for (const value of ['0', '-1', '3601', 'soon', '']) {
    const r = await runCli(['topics', 'list', '-b', '127.0.0.1:1', '--timeout', value]);
    assert.equal(r.code, 2, value);
    assert.equal(r.stderr, `error: --timeout must be more than 0 and at most 3600 seconds, got "${value}"\n`);
  }
  // What the message allows is accepted: a fraction of a second, and the maximum (they get as far as connecting).
  for (const value of ['0.5', '3600']) {
    const r = await runCli(['topics', 'list', '-b', '127.0.0.1:1', '--timeout', value]);
    assert.equal(r.code, 1, `${value}: ${r.stderr}`);
    assert.match(r.stderr, /cannot reach Kafka at 127\.0\.0\.1:1/);
  }
  // perf consume's --timeout is kafka-consumer-perf-test's (ms without a record), declared once, with its own range.
  const perf = await runCli(['perf', 'consume', '--help']);
  assert.equal(perf.stdout.match(/--timeout/g)?.length, 1);
  assert.match(perf.stdout, /--timeout <ms>/);
  assert.match((await runCli(['perf', 'consume', '--topic', 't', '--messages', '1', '--timeout', '0'])).stderr, /--timeout must be a whole number from 1 to 86400000/);
});

/** A 54 MiB download in 64 KiB chunks, as `up` reports it, with a clock that advances `msPerChunk` per chunk. */
function download(tty: boolean, msPerChunk: number): string[] {
  const { io, writes } = recordingIo(tty);
  let now = 0;
  const report = upProgress(io, { now: () => now });
  const total = 54 * 1024 * 1024;
  const chunk = 64 * 1024;
  for (let done = 0; done <= total; done += chunk) {
    report.event({ type: 'download', progress: { version: '4.1.1', doneBytes: done, totalBytes: total, doneFiles: done === total ? 1 : 0, totalFiles: 1 } });
    now += msPerChunk;
  }
  report.done();
  return writes;
}

test("up's download progress off a terminal: a line every 10 % or 5 s at most, the first and the last", () => {
  const fast = download(false, 1);
  assert.ok(fast.length >= 11 && fast.length <= 12, `${fast.length} lines:\n${fast.join('')}`);
  assert.match(fast[0]!, /^downloading Kafka 4\.1\.1 from Maven Central: 0% \(0 B of 54\.0 MiB, 0\/1 jars\)\n$/);
  assert.match(fast.at(-1)!, /: 100% \(54\.0 MiB of 54\.0 MiB, 1\/1 jars\)\n$/);
  for (const line of fast) assert.ok(line.endsWith('\n'));
  // A slow download (5 minutes, 30 s per 10 %): a line every 5 s shows it is alive, still far fewer than one per chunk.
  const slow = download(false, 350);
  assert.ok(slow.length >= 55 && slow.length <= 62, `${slow.length} lines`);
  // On a terminal the one line is rewritten in place, then cleared.
  const tty = download(true, 1);
  assert.ok(tty.length > 800);
  assert.equal(tty.at(-1), '\r\x1b[2K');
});
