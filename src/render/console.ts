import { usesSasl } from '../model/listeners.ts';
import { INTERNAL_USER } from '../model/listeners.ts';
import { brokers } from '../model/nodes.ts';
import { KAFKAPLANE_IMAGE } from '../api/kubernetes.ts';
import {
  CONTAINER_SECURITY_CONTEXT,
  KAFKAPLANE_NODE_OPTIONS,
  KAFKAPLANE_V8_FLAGS,
  type KubeObject,
  type RenderContext,
  meta,
  overrideFields,
  podSecurityContext,
  standardLabels,
  auxiliaryPodBasics,
} from './objects.ts';

/**
 * The web console (`kafkaplane console`, docs/console.md) as a Deployment, a Service and a NetworkPolicy. It runs the
 * kafkaplane image and reads the cluster as the exporter does: through the REPLICATION listener (a pod of this
 * cluster, so the cluster's NetworkPolicy admits it), as the internal user with the password from the internal Secret
 * in an environment variable (never an argument). Logins come from a users file in a Secret the user creates; the
 * audit log goes to stderr, i.e. the container log.
 */
export const CONSOLE_PORT = 8080;
export const CONSOLE_PORT_NAME = 'http';
const USERS_DIR = '/etc/kafkaplane/console';
const USERS_FILE = 'users';

export function consoleImage(ctx: RenderContext): string {
  const { console, monitoring } = ctx.settings;
  const exporter = monitoring.kafkaExporter;
  return console.image ?? (exporter.implementation === 'kafkaplane' && exporter.image !== undefined ? exporter.image : KAFKAPLANE_IMAGE);
}

function consoleSelector(ctx: RenderContext): Record<string, string> {
  return { 'app.kubernetes.io/name': 'console', 'app.kubernetes.io/instance': ctx.names.cluster };
}

export function renderConsoleDeployment(ctx: RenderContext): KubeObject {
  const { names, settings } = ctx;
  const spec = settings.console;
  const labels = standardLabels(ctx, 'console', 'console', { version: false });
  const servers = brokers(ctx.model.nodes).map((n) => `${names.podAddress(n)}:${ctx.model.listeners.replication.port}`);
  const secured = usesSasl(ctx.model.listeners.replication.securityProtocol);
  const nobody = 65534;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(ctx, names.console, labels),
    spec: {
      // One replica: sessions are signed with a secret each process makes at start (a second replica would not know it).
      replicas: 1,
      strategy: { type: 'Recreate' },
      selector: { matchLabels: consoleSelector(ctx) },
      template: {
        metadata: { labels },
        spec: {
          ...auxiliaryPodBasics(ctx, nobody),
          volumes: [
            { name: 'users', secret: { secretName: names.consoleUsers.name, items: [{ key: names.consoleUsers.key, path: USERS_FILE }], defaultMode: 0o440 } },
            { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
          ],
          containers: [
            {
              name: 'console',
              image: consoleImage(ctx),
              imagePullPolicy: settings.imagePullPolicy,
              args: [
                'console',
                `--bootstrap=${servers.join(',')}`,
                ...(secured ? ['--sasl-mechanism=PLAIN', `--sasl-username=${INTERNAL_USER}`] : []),
                `--listen=0.0.0.0:${CONSOLE_PORT}`,
                `--users-file=${USERS_DIR}/${USERS_FILE}`,
                '--audit-log=-',
                `--refresh-interval=${spec.refreshInterval}`,
                ...(spec.readOnly ? ['--read-only'] : []),
              ],
              env: [
                ...(secured ? [{ name: 'KAFKAPLANE_SASL_PASSWORD', valueFrom: { secretKeyRef: { name: names.internalPassword.name, key: names.internalPassword.key } } }] : []),
                { name: 'NODE_OPTIONS', value: KAFKAPLANE_NODE_OPTIONS },
                { name: 'KAFKAPLANE_V8_FLAGS', value: KAFKAPLANE_V8_FLAGS },
              ],
              ports: [{ name: CONSOLE_PORT_NAME, containerPort: CONSOLE_PORT, protocol: 'TCP' }],
              // Without login: /ready once the first cluster snapshot is collected (the pages read it), /healthz while the server answers.
              readinessProbe: { httpGet: { path: '/ready', port: CONSOLE_PORT_NAME }, periodSeconds: 10 },
              livenessProbe: { httpGet: { path: '/healthz', port: CONSOLE_PORT_NAME }, periodSeconds: 30, failureThreshold: 5 },
              // bench/console.ts: 150-230 MiB RSS at 10,000 partitions / 500 groups.
              resources: overrideFields({ requests: { cpu: '50m', memory: '192Mi' }, limits: { memory: '512Mi' } }, spec.resources as Record<string, unknown> | undefined),
              securityContext: CONTAINER_SECURITY_CONTEXT,
              volumeMounts: [
                { name: 'users', mountPath: USERS_DIR, readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
        },
      },
    },
  };
}

export function renderConsoleService(ctx: RenderContext): KubeObject {
  const service = ctx.settings.console.service;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(ctx, ctx.names.console, standardLabels(ctx, 'console', 'console', { version: false })),
    spec: {
      type: service.type,
      selector: consoleSelector(ctx),
      ports: [
        {
          name: CONSOLE_PORT_NAME,
          port: CONSOLE_PORT,
          targetPort: CONSOLE_PORT_NAME,
          protocol: 'TCP',
          ...(service.type === 'NodePort' && service.nodePort !== undefined ? { nodePort: service.nodePort } : {}),
        },
      ],
    },
  };
}

/** Only the console's port is open, to spec.kubernetes.console.clients (anyone when unset). */
export function renderConsoleNetworkPolicy(ctx: RenderContext): KubeObject {
  const clients = ctx.settings.console.clients;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(ctx, ctx.names.console, standardLabels(ctx, 'console', 'network-policy', { version: false })),
    spec: {
      podSelector: { matchLabels: consoleSelector(ctx) },
      policyTypes: ['Ingress'],
      ingress: [{ ...(clients ? { from: clients } : {}), ports: [{ protocol: 'TCP', port: CONSOLE_PORT_NAME }] }],
    },
  };
}
