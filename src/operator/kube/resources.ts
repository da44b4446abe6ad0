/** REST paths of the kinds the operator reads and writes (what render emits, plus its own and the coordination kinds). */
export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

const core = (plural: string, namespaced = true): ResourceType => ({ group: '', version: 'v1', plural, namespaced });
const of = (group: string, version: string, plural: string, namespaced = true): ResourceType => ({ group, version, plural, namespaced });

export const RESOURCE_TYPES: Readonly<Record<string, ResourceType>> = {
  Namespace: core('namespaces', false),
  ServiceAccount: core('serviceaccounts'),
  Secret: core('secrets'),
  ConfigMap: core('configmaps'),
  Service: core('services'),
  Pod: core('pods'),
  PersistentVolumeClaim: core('persistentvolumeclaims'),
  Event: core('events'),
  ClusterRole: of('rbac.authorization.k8s.io', 'v1', 'clusterroles', false),
  ClusterRoleBinding: of('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', false),
  Role: of('rbac.authorization.k8s.io', 'v1', 'roles'),
  RoleBinding: of('rbac.authorization.k8s.io', 'v1', 'rolebindings'),
  StatefulSet: of('apps', 'v1', 'statefulsets'),
  Deployment: of('apps', 'v1', 'deployments'),
  PodDisruptionBudget: of('policy', 'v1', 'poddisruptionbudgets'),
  NetworkPolicy: of('networking.k8s.io', 'v1', 'networkpolicies'),
  Job: of('batch', 'v1', 'jobs'),
  Lease: of('coordination.k8s.io', 'v1', 'leases'),
  PodMonitor: of('monitoring.coreos.com', 'v1', 'podmonitors'),
  PrometheusRule: of('monitoring.coreos.com', 'v1', 'prometheusrules'),
  CustomResourceDefinition: of('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', false),
  KafkaCluster: of('kafkaplane.io', 'v1alpha1', 'kafkaclusters'),
  KafkaTopic: of('kafkaplane.io', 'v1alpha1', 'kafkatopics'),
  KafkaUser: of('kafkaplane.io', 'v1alpha1', 'kafkausers'),
};

export function resourceType(kind: string): ResourceType {
  const type = RESOURCE_TYPES[kind];
  if (!type) throw new Error(`the operator does not know the REST path of kind ${kind}`);
  return type;
}

/** The collection path of a kind, in a namespace when it is namespaced (all namespaces when none is given). */
export function collectionPath(kind: string, namespace?: string): string {
  const t = resourceType(kind);
  const base = t.group === '' ? `/api/${t.version}` : `/apis/${t.group}/${t.version}`;
  return t.namespaced && namespace !== undefined ? `${base}/namespaces/${namespace}/${t.plural}` : `${base}/${t.plural}`;
}

export function objectPath(kind: string, namespace: string | undefined, name: string): string {
  const t = resourceType(kind);
  if (t.namespaced && namespace === undefined) throw new Error(`${kind} ${name} is namespaced but has no namespace`);
  return `${collectionPath(kind, t.namespaced ? namespace : undefined)}/${encodeURIComponent(name)}`;
}

export function apiVersionOf(kind: string): string {
  const t = resourceType(kind);
  return t.group === '' ? t.version : `${t.group}/${t.version}`;
}
