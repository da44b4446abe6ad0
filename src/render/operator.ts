import { customResourceDefinitions } from '../api/crd.ts';
import { KAFKAPLANE_NODE_OPTIONS, type KubeObject, KAFKAPLANE_V8_FLAGS } from './objects.ts';

/**
 * The operator's installation: kafkaplane's CRDs, a ServiceAccount, least-privilege RBAC and a Deployment running
 * `kafkaplane operator run`. Pure: `kafkaplane operator install` prints or applies these objects, and the Helm chart
 * (deploy/helm/kafkaplane-operator) produces the same ones for the same settings (a test compares them).
 */
export interface OperatorInstallOptions {
  /** Where the operator runs (its Deployment, ServiceAccount and leader Lease). */
  namespace: string;
  /** The one namespace it watches; undefined: every namespace (ClusterRole instead of Role). */
  watchNamespace?: string | undefined;
  image: string;
  /** What deleting a KafkaTopic does in Kafka. */
  topicDeletion?: 'delete' | 'keep';
  healthPort?: number;
}

export const OPERATOR_NAME = 'kafkaplane-operator';
export const DEFAULT_OPERATOR_IMAGE = 'kafkaplane:0.1.0';
export const DEFAULT_HEALTH_PORT = 8080;

const LABELS = { 'app.kubernetes.io/name': OPERATOR_NAME, 'app.kubernetes.io/part-of': 'kafkaplane', 'app.kubernetes.io/component': 'operator' };
const ALL = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** What the controllers touch in the namespaces they watch, and nothing else. */
export const NAMESPACED_RULES = [
  { apiGroups: ['kafkaplane.io'], resources: ['kafkaclusters', 'kafkatopics', 'kafkausers'], verbs: ['get', 'list', 'watch', 'patch', 'update'] },
  { apiGroups: ['kafkaplane.io'], resources: ['kafkaclusters/status', 'kafkatopics/status', 'kafkausers/status'], verbs: ['get', 'patch', 'update'] },
  { apiGroups: ['kafkaplane.io'], resources: ['kafkaclusters/finalizers', 'kafkatopics/finalizers', 'kafkausers/finalizers'], verbs: ['update'] },
  // What render produces for a KafkaCluster, and the KafkaUser Secrets.
  { apiGroups: [''], resources: ['configmaps', 'secrets', 'services', 'serviceaccounts', 'persistentvolumeclaims'], verbs: [...ALL] },
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'delete'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  // StatefulSets of the nodes; the exporter's Deployment when monitoring is on.
  { apiGroups: ['apps'], resources: ['statefulsets', 'deployments'], verbs: [...ALL] },
  { apiGroups: ['batch'], resources: ['jobs'], verbs: [...ALL] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: [...ALL] },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: [...ALL] },
  { apiGroups: ['monitoring.coreos.com'], resources: ['podmonitors', 'prometheusrules'], verbs: [...ALL] },
];

/**
 * Cluster-scoped: render's rack RBAC (a ClusterRole that lets broker pods read their node's zone) — Kubernetes only
 * lets the operator grant what it holds itself, hence nodes get.
 */
export const CLUSTER_RULES = [
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles', 'clusterrolebindings'], verbs: [...ALL] },
  { apiGroups: [''], resources: ['nodes'], verbs: ['get'] },
];

/** The leader Lease, in the operator's own namespace. */
export const LEADER_RULES = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
];

export function operatorArgs(o: OperatorInstallOptions): string[] {
  return [
    'operator',
    'run',
    ...(o.watchNamespace !== undefined ? ['--namespace', o.watchNamespace] : ['--all-namespaces']),
    '--topic-deletion',
    o.topicDeletion ?? 'delete',
    '--health-port',
    String(o.healthPort ?? DEFAULT_HEALTH_PORT),
  ];
}

export function renderOperator(o: OperatorInstallOptions): KubeObject[] {
  const ns = o.namespace;
  const port = o.healthPort ?? DEFAULT_HEALTH_PORT;
  const subject = [{ kind: 'ServiceAccount', name: OPERATOR_NAME, namespace: ns }];
  const roleRef = (kind: string, name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind, name });
  const meta = (name: string, namespace?: string) => ({ name, ...(namespace !== undefined ? { namespace } : {}), labels: { ...LABELS } });
  const clusterScopedName = `${OPERATOR_NAME}-${ns}`;
  const watched: KubeObject[] =
    o.watchNamespace === undefined
      ? [
          { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: meta(`${clusterScopedName}-watched`), rules: NAMESPACED_RULES },
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRoleBinding',
            metadata: meta(`${clusterScopedName}-watched`),
            roleRef: roleRef('ClusterRole', `${clusterScopedName}-watched`),
            subjects: subject,
          },
        ]
      : [
          { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta(OPERATOR_NAME, o.watchNamespace), rules: NAMESPACED_RULES },
          { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta(OPERATOR_NAME, o.watchNamespace), roleRef: roleRef('Role', OPERATOR_NAME), subjects: subject },
        ];
  return [
    ...(customResourceDefinitions() as unknown as KubeObject[]),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(OPERATOR_NAME, ns) },
    ...watched,
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: meta(clusterScopedName), rules: CLUSTER_RULES },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: meta(clusterScopedName), roleRef: roleRef('ClusterRole', clusterScopedName), subjects: subject },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta(`${OPERATOR_NAME}-leader`, ns), rules: LEADER_RULES },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(`${OPERATOR_NAME}-leader`, ns),
      roleRef: roleRef('Role', `${OPERATOR_NAME}-leader`),
      subjects: subject,
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(OPERATOR_NAME, ns),
      spec: {
        replicas: 1,
        selector: { matchLabels: { 'app.kubernetes.io/name': OPERATOR_NAME } },
        template: {
          metadata: { labels: { ...LABELS } },
          spec: {
            serviceAccountName: OPERATOR_NAME,
            securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'operator',
                image: o.image,
                args: operatorArgs(o),
                env: [
                  { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                  { name: 'NODE_OPTIONS', value: KAFKAPLANE_NODE_OPTIONS },
                  { name: 'KAFKAPLANE_V8_FLAGS', value: KAFKAPLANE_V8_FLAGS },
                ],
                ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
                livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10, failureThreshold: 3 },
                readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5 },
                resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              },
            ],
          },
        },
      },
    },
  ];
}
