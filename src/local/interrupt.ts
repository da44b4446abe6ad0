import { KafkaplaneError, action, hint } from '../errors.ts';

/** Ctrl-C during `up`: stop here; the caller stops what it started. */
export function throwIfInterrupted(signal: AbortSignal | undefined, when: string): void {
  if (signal?.aborted) {
    throw new KafkaplaneError('INTERRUPTED', `interrupted ${when}`, { hint: hint`any node this attempt had started was stopped again; run \`${action('up')}\` to start the cluster` });
  }
}
