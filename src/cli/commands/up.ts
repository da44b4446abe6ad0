import { type UpResult, up as startCluster } from '../../local/up.ts';
import { cliHint } from '../hints.ts';
import type { Io } from '../output.ts';
import { upProgress } from '../print/local.ts';
import { readSpecFile } from '../spec-file.ts';

export interface UpFlags {
  file: string;
  cluster?: string;
  stateDir?: string;
  portBase?: number;
  heap?: string;
  timeout?: number;
  allowStateInCheckout?: boolean;
  monitoring?: boolean;
}

/** `kafkaplane up`: runs the spec as local JVMs; progress goes to stderr as it happens, the result is returned. */
export async function up(flags: UpFlags, io: Io): Promise<UpResult> {
  const spec = await readSpecFile(flags.file);
  const report = upProgress(io);
  // Ctrl-C (or SIGTERM) while `up` works: stop the nodes it started instead of leaving JVMs behind. A second
  // Ctrl-C exits at once.
  const interrupt = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupt.signal.aborted) process.exit(130);
    report.line(`${signal}: stopping what this \`up\` started (press Ctrl-C again to exit at once)`);
    interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await startCluster(
      {
        spec,
        ...(flags.cluster !== undefined ? { cluster: flags.cluster } : {}),
        ...(flags.stateDir !== undefined ? { stateDir: flags.stateDir } : {}),
        ...(flags.portBase !== undefined ? { portBase: flags.portBase } : {}),
        ...(flags.heap !== undefined ? { heap: flags.heap } : {}),
        ...(flags.monitoring !== undefined ? { monitoring: flags.monitoring } : {}),
        ...(flags.timeout !== undefined ? { readyTimeoutMs: flags.timeout * 1000 } : {}),
        allowStateInCheckout: flags.allowStateInCheckout ?? false,
        signal: interrupt.signal,
        onEvent: report.event,
      },
      flags.file,
    );
    // Warnings may name settings and commands as data: in the CLI's words here, for text and -o json alike.
    return { ...result, warnings: result.warnings.map((w) => cliHint(w) ?? '') };
  } finally {
    report.done();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
