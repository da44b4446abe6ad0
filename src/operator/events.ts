import type { KubeClient, KubeObject } from './kube/client.ts';
import { collectionPath } from './kube/resources.ts';

/**
 * Kubernetes Events for what the operator did (`kubectl describe` shows them): created, rolled, refused. Best
 * effort: an event that cannot be written never fails a reconcile.
 */
export async function recordEvent(client: KubeClient, object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, now = new Date()): Promise<void> {
  const namespace = object.metadata.namespace ?? 'default';
  const time = now.toISOString();
  await client
    .request('POST', collectionPath('Event', namespace), {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: `${object.metadata.name}.`, namespace },
      involvedObject: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: object.metadata.name,
        namespace: object.metadata.namespace,
        uid: object.metadata.uid,
        resourceVersion: object.metadata.resourceVersion,
      },
      reason,
      message: message.slice(0, 1024),
      type,
      source: { component: 'kafkaplane-operator' },
      reportingComponent: 'kafkaplane.io/operator',
      reportingInstance: process.env.HOSTNAME ?? 'kafkaplane-operator',
      firstTimestamp: time,
      lastTimestamp: time,
      count: 1,
    })
    .catch(() => undefined);
}
