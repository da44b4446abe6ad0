import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { KafkaplaneError, SpecError } from '../errors.ts';
import { runDown } from './commands/down.ts';
import { runLogs } from './commands/logs.ts';
import { runStatus } from './commands/status.ts';
import { runUp } from './commands/up.ts';
import { runValidate } from './commands/validate.ts';
import { type Io, printJson } from './output.ts';

const VERSION = '0.1.0';

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    return n;
  };
}

/** Every command kafkaplane has is declared here; each lives in commands/<name>.ts and returns an exit code. */
export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('kafkaplane')
    .description('Apache Kafka on Kubernetes, done right: a real local KRaft cluster, manifests, an operator and a toolbox from one spec')
    .version(VERSION)
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-q, --quiet', 'no progress output', false)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride();

  const applyGlobals = (cmd: Command) => {
    const opts = cmd.optsWithGlobals() as { output: 'text' | 'json'; quiet: boolean };
    io.format = opts.output;
    io.quiet = opts.quiet;
  };
  const locate = (cmd: Command) =>
    cmd
      .option('-f, --file <file>', 'the spec file (to find the cluster by its name)')
      .option('--cluster <name>', 'which local cluster')
      .option('--state-dir <dir>', 'where the cluster keeps its state (default: per-user state directory)');

  program
    .command('up')
    .description('run the spec as a real Apache Kafka KRaft cluster on this machine (no Docker, no Kubernetes)')
    .requiredOption('-f, --file <file>', 'the spec: KafkaCluster (and KafkaTopic / KafkaUser documents)')
    .option('--cluster <name>', 'which KafkaCluster of the file, when it has several')
    .option('--state-dir <dir>', 'where the cluster keeps data, logs and pids (default: ~/.local/state/kafkaplane/clusters/<name>)')
    .option('--port-base <port>', 'first port of the local port plan (default: the first listener\'s port)', integer('--port-base', 1024, 65000))
    .option('--heap <size>', 'JVM heap per node, e.g. 512m or 1g (default 512m)')
    .option('--timeout <seconds>', 'how long to wait for the cluster to become ready', integer('--timeout', 1, 3600), 120)
    .option('--allow-state-in-checkout', 'allow --state-dir inside a git checkout', false)
    .action(async (flags, cmd: Command) => {
      applyGlobals(cmd);
      setExit(await runUp(flags, io));
    });

  locate(program.command('down').description('stop the local cluster with a controlled shutdown; data is kept'))
    .option('--purge', 'also delete the cluster\'s data and state', false)
    .option('--timeout <seconds>', 'grace period per node before it is killed', integer('--timeout', 1, 3600), 30)
    .action(async (flags, cmd: Command) => {
      applyGlobals(cmd);
      setExit(await runDown(flags, io));
    });

  locate(program.command('status').description('nodes, pids, ports, roles, quorum and health of the local cluster (exit 1 when not healthy)'))
    .option('--all', 'every local cluster', false)
    .action(async (flags, cmd: Command) => {
      applyGlobals(cmd);
      setExit(await runStatus(flags, io));
    });

  locate(program.command('logs').description('a node\'s log (all nodes when none is given)').argument('[node]', 'node id', integer('node', 0, 1_000_000)))
    .option('-n, --tail <lines>', 'lines to show from the end', integer('--tail', 0, 1_000_000), 100)
    .option('-F, --follow', 'keep printing new lines', false)
    .action(async (node: number | undefined, flags, cmd: Command) => {
      applyGlobals(cmd);
      setExit(await runLogs({ ...flags, ...(node !== undefined ? { node } : {}) }, io));
    });

  program
    .command('validate')
    .description('check a spec file and print what it defines')
    .requiredOption('-f, --file <file>', 'the spec file ("-" for standard input)')
    .action(async (flags, cmd: Command) => {
      applyGlobals(cmd);
      setExit(await runValidate(flags, io));
    });

  // --- render: Kubernetes manifests, Kustomize, docker compose or Strimzi resources from the spec (docs/render.md) ---
  program
    .command('render')
    .description('render the spec as Kubernetes manifests (yaml, kustomize), a docker compose file or Strimzi resources')
    .requiredOption('-f, --file <file>', 'the spec: KafkaCluster (and KafkaTopic / KafkaUser documents)')
    .addOption(new Option('--format <format>', 'what to render').choices(['yaml', 'kustomize', 'compose', 'strimzi']).default('yaml'))
    .option('-d, --out-dir <dir>', 'write the files into this directory (default: print to stdout; kustomize needs a directory)')
    .option('--cluster <name>', 'which KafkaCluster of the file, when it has several')
    .option('-n, --namespace <namespace>', 'namespace of every object (default: the cluster\'s metadata.namespace, else "default")')
    .action(async (flags, cmd: Command) => {
      applyGlobals(cmd);
      const { runRender } = await import('./commands/render.ts');
      setExit(await runRender(flags, io));
    });

  return program;
}

/**
 * Runs the CLI and returns the exit code: 0 ok, 1 failure, 2 usage or invalid spec. Expected failures print their
 * message (and hint) without a stack; anything else is a bug and prints its stack.
 */
export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr, quiet: false, format: 'text' }): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      return 2;
    }
    if (error instanceof KafkaplaneError) {
      if (io.format === 'json') {
        printJson(io, { error: { code: error.code, message: error.message, hint: error.hint ?? null, ...(error instanceof SpecError ? { problems: error.problems } : {}) } });
      }
      io.stderr.write(`error: ${error.message}\n`);
      if (error.hint) io.stderr.write(`hint: ${error.hint}\n`);
      return error.exitCode;
    }
    io.stderr.write(`kafkaplane hit a bug: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    io.stderr.write('please report it with the command you ran\n');
    return 1;
  }
}
