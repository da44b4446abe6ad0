import { CLIENT_CONFIG_FORMATS, type ClientConfigFormat, FORMAT_TITLES } from '../../ops/client-config.ts';
import type { ConnectInfoReport } from '../commands/connect-info.ts';
import type { Printer } from '../declare.ts';
import { writeStderrLine } from '../output.ts';

const KEY_OF: Record<ClientConfigFormat, keyof ConnectInfoReport['configs']> = { spring: 'spring', env: 'env', configmap: 'configMap', properties: 'properties', kcat: 'kcat', python: 'python' };

export const connectInfoPrinter: Printer<ConnectInfoReport> = {
  // The password itself never goes into JSON (only where it is), whatever --reveal-password says.
  json({ target: { password, ...rest }, configs }) {
    return { target: { ...rest, password: password.kind === 'file' ? { kind: 'file', path: password.path } : password }, configs };
  },
  text({ target, configs, format }, io) {
    if (format !== 'all') {
      io.stdout.write(`${configs[KEY_OF[format]]}\n`);
    } else {
      const where = target.where === 'local' ? 'the local cluster' : `Kubernetes namespace ${target.namespace}`;
      const parts = [`# ${target.cluster}, listener ${target.listener} (${target.securityProtocol}${target.saslMechanism ? ` ${target.saslMechanism}` : ''}) in ${where}: ${target.bootstrap}`];
      for (const f of CLIENT_CONFIG_FORMATS) parts.push(`\n# --- ${FORMAT_TITLES[f]} ---\n${configs[KEY_OF[f]]}`);
      io.stdout.write(`${parts.join('\n')}\n`);
    }
    for (const note of target.notes) writeStderrLine(io, `note: ${note}`);
  },
};
