import { homedir } from 'node:os';
import { join } from 'node:path';

/** Per-user cache for downloaded jars and built tools: $KAFKAPLANE_CACHE, else $XDG_CACHE_HOME/kafkaplane. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.KAFKAPLANE_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kafkaplane');
}

/** Per-user state (cluster data, logs, pids): $KAFKAPLANE_STATE, else $XDG_STATE_HOME/kafkaplane. */
export function stateRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.KAFKAPLANE_STATE ?? join(env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'kafkaplane');
}
