/**
 * The local runtime and a Kubernetes pod compute a node's broker properties with the same function
 * (brokerProperties); only the placement differs. This pins down exactly which keys the placement may change.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brokerProperties, clusterModel } from '../../src/model/broker-properties.ts';
import { localPlacement } from '../../src/model/placement.ts';
import { parseProperties } from '../../src/model/properties-format.ts';
import { renderKubernetes } from '../../src/render/kubernetes.ts';
import { EXAMPLES, nodeFilesOf, renderInput } from '../helpers/render.ts';
import { example } from '../helpers/spec.ts';

/** Keys whose values come from the placement: addresses, ports, directories, rack, keystore. */
const PLACEMENT_KEYS =
  /^(listeners|advertised\.listeners|controller\.quorum\.(bootstrap\.servers|voters)|log\.dirs|broker\.rack|listener\.name\.[a-z0-9]+\.ssl\.keystore\.(location|password)|listener\.name\.(replication|controller)\.plain\.sasl\.jaas\.config)$/;

for (const name of EXAMPLES) {
  test(`local runtime and pod: same broker properties for every node of examples/${name}, apart from placement keys`, () => {
    const spec = example(name);
    const cluster = spec.clusters[0]!;
    const model = clusterModel(cluster);
    const local = localPlacement({
      portBase: 19092,
      dataDir: (n) => `/state/nodes/${n.id}/data`,
      tls: () => ({ keystoreLocation: '/state/tls/keystore.p12', keystorePassword: 'local', keystoreType: 'PKCS12' }),
      internalPassword: 'local-internal-password',
    });
    const rendered = renderKubernetes(renderInput(spec));
    const files = nodeFilesOf(rendered.objects);
    for (const node of model.nodes) {
      const pod = parseProperties(files[`node-${node.id}.properties`]!);
      // The pod's file is exactly what the model function gives for the Kubernetes placement…
      assert.deepEqual(pod, brokerProperties(rendered.context.model, node, rendered.context.placement));
      // …and the local runtime's differs only where the placement decides.
      const here = brokerProperties(model, node, local);
      assert.deepEqual(Object.keys(pod).sort(), Object.keys(here).sort(), `node ${node.id}: same keys`);
      const differing = Object.keys(pod).filter((k) => pod[k] !== here[k]);
      for (const key of differing) assert.match(key, PLACEMENT_KEYS, `node ${node.id}: ${key} differs (${here[key]} locally, ${pod[key]} in the pod) but is not decided by the placement`);
      assert.ok(differing.includes('listeners') && differing.includes('advertised.listeners') && differing.includes('log.dirs'), `node ${node.id}: ${differing.join(', ')}`);
      for (const key of ['process.roles', 'node.id', 'listener.security.protocol.map', 'inter.broker.listener.name', 'controller.listener.names', 'min.insync.replicas']) {
        assert.equal(pod[key], here[key], `node ${node.id}: ${key}`);
      }
    }
  });
}
