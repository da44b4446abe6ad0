// The REST paths of the kinds kafkaplane renders, for tests that send rendered objects to a real kube-apiserver
// (render-apply.test.ts, crds.test.ts). A kind render emits that is missing here fails the test that sends it.
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/render/objects.ts';

/** REST paths of the kinds kafkaplane renders (a kind render emits that is missing here fails the test). */
export const RESOURCES: Record<string, { group: string; version: string; plural: string; clusterScoped?: true }> = {
  ServiceAccount: { group: '', version: 'v1', plural: 'serviceaccounts' },
  ClusterRole: { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterroles', clusterScoped: true },
  ClusterRoleBinding: { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterrolebindings', clusterScoped: true },
  Secret: { group: '', version: 'v1', plural: 'secrets' },
  ConfigMap: { group: '', version: 'v1', plural: 'configmaps' },
  Service: { group: '', version: 'v1', plural: 'services' },
  StatefulSet: { group: 'apps', version: 'v1', plural: 'statefulsets' },
  Deployment: { group: 'apps', version: 'v1', plural: 'deployments' },
  PodDisruptionBudget: { group: 'policy', version: 'v1', plural: 'poddisruptionbudgets' },
  NetworkPolicy: { group: 'networking.k8s.io', version: 'v1', plural: 'networkpolicies' },
  Job: { group: 'batch', version: 'v1', plural: 'jobs' },
  PodMonitor: { group: 'monitoring.coreos.com', version: 'v1', plural: 'podmonitors' },
  PrometheusRule: { group: 'monitoring.coreos.com', version: 'v1', plural: 'prometheusrules' },
  // Strimzi kinds: version v1beta2 up to Strimzi 0.48, v1 from 0.49 (objectPath takes the object's own).
  Kafka: { group: 'kafka.strimzi.io', version: 'v1beta2', plural: 'kafkas' },
  KafkaNodePool: { group: 'kafka.strimzi.io', version: 'v1beta2', plural: 'kafkanodepools' },
  KafkaTopic: { group: 'kafka.strimzi.io', version: 'v1beta2', plural: 'kafkatopics' },
  KafkaUser: { group: 'kafka.strimzi.io', version: 'v1beta2', plural: 'kafkausers' },
  Issuer: { group: 'cert-manager.io', version: 'v1', plural: 'issuers' },
  Certificate: { group: 'cert-manager.io', version: 'v1', plural: 'certificates' },
};

export function objectPath(object: KubeObject): string {
  const resource = RESOURCES[object.kind];
  assert.ok(resource, `render emitted a ${object.kind}, which this test does not know how to send`);
  // The object's own version (the strimzi format writes kafka.strimzi.io/v1beta2 or v1, by Strimzi release); the table's
  // group must match.
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  assert.equal(group, resource.group, `${object.kind} ${object.metadata.name}: apiVersion ${object.apiVersion} is not of group ${resource.group || 'core'}`);
  const base = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  if (resource.clusterScoped) {
    assert.equal(object.metadata.namespace, undefined, `${object.kind} ${object.metadata.name} is cluster-scoped but has a namespace`);
    return `${base}/${resource.plural}/${object.metadata.name}`;
  }
  assert.ok(object.metadata.namespace, `${object.kind} ${object.metadata.name} has no namespace`);
  return `${base}/namespaces/${object.metadata.namespace}/${resource.plural}/${object.metadata.name}`;
}
