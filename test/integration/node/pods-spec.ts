// The KafkaCluster of pods.test.ts (issue 13 majors 4, 6, 7 on real pods): cluster- and pool-level pod templates on a
// secured cluster with 3 controllers and 1 broker, a KafkaTopic and a KafkaUser whose password is in a Secret.
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { KubeNodeImages } from '../../helpers/kube-node.ts';
import { tempDir } from './support.ts';

export const NS = 'pods';
export const CLUSTER = 'pods';
/** A uid from an OpenShift-like range, in no /etc/passwd. */
export const UID = 1000680000;

/** Writes the spec to a temp file and returns its path. */
export function podsSpec(images: Pick<KubeNodeImages, 'kafka' | 'busybox'>): string {
  const small = (memory: string) => ({ requests: { cpu: '100m', memory }, limits: { memory } });
  const cluster = {
    apiVersion: 'kafkaplane.io/v1alpha1',
    kind: 'KafkaCluster',
    metadata: { name: CLUSTER, namespace: NS },
    spec: {
      nodePools: [
        { name: 'controller', roles: ['controller'], replicas: 3, storage: { size: '1Gi', class: 'standard' }, resources: small('768Mi') },
        {
          name: 'broker',
          roles: ['broker'],
          replicas: 1,
          storage: { size: '1Gi', class: 'standard' },
          resources: small('1536Mi'),
          jvm: { heap: '640m' },
          template: {
            pod: {
              metadata: { labels: { tier: 'brokers' }, annotations: { 'example.com/level': 'broker' } },
              volumes: [{ name: 'extra', configMap: { name: 'pods-extra' } }],
              containers: [
                {
                  name: 'sidecar',
                  image: images.busybox,
                  imagePullPolicy: 'Never',
                  command: ['sh', '-c', 'sleep 1000000'],
                  env: [{ name: 'SIDE', value: 'car' }],
                  volumeMounts: [{ name: 'extra', mountPath: '/extra', readOnly: true }],
                  resources: { requests: { cpu: '10m', memory: '16Mi' } },
                  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
                },
              ],
            },
            kafkaContainer: { env: [{ name: 'TEMPLATE_LEVEL', value: 'broker' }], volumeMounts: [{ name: 'extra', mountPath: '/etc/extra', readOnly: true }] },
            probes: { readiness: { periodSeconds: 5 } },
          },
        },
      ],
      listeners: [{ name: 'scram', port: 9092, authentication: 'scram-sha-512' }],
      authorization: { type: 'simple' },
      config: { 'offsets.topic.replication.factor': 1, 'transaction.state.log.replication.factor': 1, 'transaction.state.log.min.isr': 1, 'min.insync.replicas': 1 },
      kubernetes: {
        image: images.kafka,
        imagePullPolicy: 'Never',
        template: {
          pod: {
            metadata: { labels: { team: 'payments' } },
            // OpenShift's restricted SCC: a uid from the namespace's range, gid 0, an fsGroup from the range.
            securityContext: { runAsUser: UID, runAsGroup: null, fsGroup: UID },
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }] }] },
              },
            },
            tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'kafka', effect: 'NoSchedule' }],
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/instance': CLUSTER } } },
            ],
            priorityClassName: 'kafkaplane-test',
          },
          kafkaContainer: { env: [{ name: 'TEMPLATE_LEVEL', value: 'cluster' }] },
        },
      },
    },
  };
  const topic = { apiVersion: 'kafkaplane.io/v1alpha1', kind: 'KafkaTopic', metadata: { name: 'orders' }, spec: { partitions: 3, replicas: 1 } };
  const user = {
    apiVersion: 'kafkaplane.io/v1alpha1',
    kind: 'KafkaUser',
    metadata: { name: 'app' },
    spec: {
      authentication: { type: 'scram-sha-512', password: { valueFrom: { secretKeyRef: { name: 'app-password', key: 'password' } } } },
      authorization: {
        type: 'simple',
        acls: [
          { resource: { type: 'topic', name: 'orders' }, operations: ['Read', 'Write', 'Describe'] },
          { resource: { type: 'group', name: 'app-', patternType: 'prefix' }, operations: ['Read'] },
        ],
      },
    },
  };
  const file = path.join(tempDir('kafkaplane-pods-'), 'pods.yaml');
  fs.writeFileSync(file, [cluster, topic, user].map((d) => stringify(d)).join('---\n'));
  return file;
}
