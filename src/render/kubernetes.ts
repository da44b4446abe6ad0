import { usesSasl } from '../model/listeners.ts';
import { renderCertManager } from './cert-manager.ts';
import { renderConsoleDeployment, renderConsoleNetworkPolicy, renderConsoleService } from './console.ts';
import { renderDashboardsConfigMap } from './dashboards.ts';
import type { SpecProblem } from '../errors.ts';
import { clusterModel } from '../model/broker-properties.ts';
import { kubernetesNames } from '../model/kubernetes-names.ts';
import { controllers } from '../model/nodes.ts';
import { quorumModeConflict } from '../model/quorum.ts';
import { clientTlsFromNodeCertificate, kubernetesPlacement, planExternalListeners } from '../model/placement-kubernetes.ts';
import { CONTROLLER_PORT, REPLICATION_PORT } from '../api/kafka-cluster.ts';
import { type KubernetesSpec, kubernetesSettings } from '../api/kubernetes.ts';
import { poolConfigHash, renderConfigMap, renderIdentitySecret, renderPoolConfigMap } from './cluster-config.ts';
import { RenderError } from './errors.ts';
import { clusterIdentity } from './identity.ts';
import { METRICS_PORT_NAME, jmxExporterSha256, renderKafkaExporter, renderMetricsConfigMap, renderPodMonitor, renderPrometheusRule } from './monitoring.ts';
import type { KubeObject, RenderContext, RenderInput } from './objects.ts';
import { renderNetworkPolicy, renderPodDisruptionBudget, renderServiceAccount } from './policies.ts';
import { renderBootstrapService, renderExternalServices, renderHeadlessService } from './services.ts';
import { nodeAddressType } from './node-address.ts';
import { renderRackRbac } from './rack.ts';
import { limitWarnings } from './limits.ts';
import { heapProblems } from './resources.ts';
import { templateProblems } from './pod-template.ts';
import { renderStatefulSet } from './statefulset.ts';
import { renderTopicsJob } from './topics-job.ts';

export interface KubernetesRender {
  objects: KubeObject[];
  warnings: string[];
  context: RenderContext;
}

/**
 * Everything the Kubernetes formats share. Checks that the spec can be rendered — every problem at once, with its
 * spec path — before building anything.
 */
export function renderContext(input: RenderInput): RenderContext {
  const { cluster } = input;
  const settings = kubernetesSettings(cluster.spec);
  const problems: SpecProblem[] = [];
  const { plans, problems: external } = planExternalListeners(cluster);
  problems.push(...external);
  cluster.spec.nodePools.forEach((pool, i) => {
    pool.jvm?.options.forEach((option, j) => {
      if (/\s/.test(option))
        problems.push({
          path: `spec.nodePools[${i}].jvm.options[${j}]`,
          message: 'contains whitespace: kafka-run-class.sh splits JVM options on spaces; pass one option per list item without spaces',
        });
    });
  });
  problems.push(...heapProblems(cluster.spec.nodePools));
  problems.push(...portProblems(cluster, settings));
  problems.push(...templateProblems(cluster));
  const monitoring = settings.monitoring;
  if (monitoring.enabled && monitoring.jmxExporter.agentPath === undefined && jmxExporterSha256(settings) === undefined) {
    problems.push({
      path: 'spec.kubernetes.monitoring.jmxExporter.sha256',
      message: 'required when version or url differ from the defaults: the init container checks the downloaded agent against it',
    });
  }
  if (cluster.spec.internalTls && monitoring.enabled && monitoring.kafkaExporter.enabled && monitoring.kafkaExporter.implementation === 'kafkaplane') {
    problems.push({
      path: 'spec.kubernetes.monitoring.kafkaExporter.implementation',
      message:
        "with spec.internalTls the exporter must present a client certificate on the REPLICATION listener, which kafkaplane's own exporter cannot do yet: set implementation: kafka_exporter (it gets the cert-manager client certificate) or kafkaExporter.enabled: false",
    });
  }
  if (cluster.spec.internalTls && settings.console.enabled) {
    problems.push({
      path: 'spec.kubernetes.console.enabled',
      message:
        'with spec.internalTls the console must present a client certificate on the REPLICATION listener, which its Deployment does not mount yet: run `kafkaplane console --bootstrap … --command-config …` with a client certificate instead (docs/console.md), or remove spec.internalTls',
    });
  }
  const conflict = input.running ? quorumModeConflict(cluster.spec.quorum?.mode, input.running) : undefined;
  if (conflict) problems.push({ path: 'spec.quorum.mode', message: conflict });
  const model = clusterModel(cluster, { quorumMode: cluster.spec.quorum?.mode ?? input.running?.mode });
  const controllerIds = new Set(controllers(model.nodes).map((n) => String(n.id)));
  for (const id of Object.keys(settings.identity?.directoryIds ?? {})) {
    if (!controllerIds.has(id)) problems.push({ path: `spec.kubernetes.identity.directoryIds["${id}"]`, message: `node ${id} is not a controller (controllers: ${[...controllerIds].join(', ')})` });
  }
  if (problems.length > 0) {
    throw new RenderError(
      input.source ?? 'the spec',
      'Kubernetes manifests',
      problems.map((p) => ({ ...p, document: `KafkaCluster "${cluster.metadata.name}"` })),
    );
  }

  const names = kubernetesNames(cluster, settings, input.namespace);
  // Strimzi's bootstrap name can be another Service's: the headless Service of a pool "kafka-bootstrap", or the
  // bootstrap Service of an external listener named "kafka".
  const taken = [
    ...cluster.spec.nodePools.map((p, i) => [names.headlessService(p.name), `spec.nodePools[${i}].name`] as const),
    ...plans.map((p) => [names.externalBootstrapService(p.listener.name), `spec.listeners[${p.index}].name`] as const),
  ].find(([service]) => service === names.bootstrapService);
  if (taken) {
    throw new RenderError(input.source ?? 'the spec', 'Kubernetes manifests', [
      {
        path: taken[1],
        document: `KafkaCluster "${cluster.metadata.name}"`,
        message: `its Service would be named ${taken[0]}, the name of the bootstrap Service (spec.kubernetes.bootstrapServiceName: ${settings.bootstrapServiceName}); rename it or keep the default bootstrap name`,
      },
    ]);
  }
  return {
    input,
    cluster,
    model,
    settings,
    names,
    external: plans,
    placement: kubernetesPlacement(names, plans, { clientTlsFromNodeCertificate: clientTlsFromNodeCertificate(cluster, settings) }),
    identity: clusterIdentity(model, settings, names.namespace),
    image: settings.image ?? `apache/kafka:${cluster.spec.version}`,
  };
}

/**
 * Ports and port names a client listener must not take inside a pod: kafkaplane's own listeners (9090 CONTROLLER and
 * 9091 REPLICATION, which the spec refuses already) and, with monitoring, the JMX exporter's port and its port name
 * "metrics" (the NetworkPolicy and the PodMonitor refer to the port by that name). Two container ports on one
 * number make the pod fail to start; two ports with one name make the NetworkPolicy and the PodMonitor ambiguous.
 */
function portProblems(cluster: RenderInput['cluster'], settings: KubernetesSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const monitoring = settings.monitoring;
  if (!monitoring.enabled) return problems;
  if (monitoring.port === CONTROLLER_PORT || monitoring.port === REPLICATION_PORT) {
    problems.push({
      path: 'spec.kubernetes.monitoring.port',
      message: `${monitoring.port} is kafkaplane's ${monitoring.port === CONTROLLER_PORT ? 'CONTROLLER' : 'REPLICATION'} listener port in every Kafka pod; pick another metrics port (default 9404)`,
    });
  }
  cluster.spec.listeners.forEach((l, i) => {
    if (l.port === monitoring.port) {
      problems.push({
        path: `spec.listeners[${i}].port`,
        message: `${l.port} is the metrics port (spec.kubernetes.monitoring.port), where the JMX exporter agent listens inside every Kafka pod; pick another listener port or move the metrics port`,
      });
    }
    if (l.name === METRICS_PORT_NAME) {
      problems.push({
        path: `spec.listeners[${i}].name`,
        message: `"${METRICS_PORT_NAME}" is the name of the metrics port in the Kafka pods (the NetworkPolicy and the PodMonitor select the port by name); name the listener differently`,
      });
    }
  });
  return problems;
}

/** What the spec asks for that renders, but that a platform engineer should know about before applying it. */
export function externalListenerWarnings(cluster: RenderInput['cluster']): string[] {
  return cluster.spec.listeners.flatMap((l, i) =>
    l.type !== 'internal' && l.authentication === 'none'
      ? [
          `spec.listeners[${i}] ("${l.name}", ${l.type}) has no authentication: anyone who can reach its ${l.type === 'nodeport' ? 'node ports' : 'load balancers'} can read and write every topic (the NetworkPolicy admits everyone to external listeners). Set authentication: scram-sha-512 (and tls: true)${l.type === 'loadbalancer' ? ', and configuration.loadBalancerSourceRanges' : ''}`,
        ]
      : [],
  );
}

/**
 * nodeport brokers without a host of their own advertise status.hostIP: the node's InternalIP, often a private VPC
 * address that clients outside the VPC cannot reach (a pod cannot read its node's ExternalIP through the downward API;
 * preferredNodePortAddressType has an init container read it from the API: render/node-address.ts).
 */
function nodeIpWarnings(ctx: RenderContext): string[] {
  return ctx.external.flatMap((plan) => {
    if (plan.type !== 'nodeport' || plan.addressType !== undefined) return [];
    const ids = [...plan.brokers.values()].filter((b) => b.host === undefined).map((b) => b.nodeId);
    if (ids.length === 0) return [];
    return [
      `spec.listeners[${plan.index}] ("${plan.listener.name}", nodeport): broker${ids.length > 1 ? 's' : ''} ${ids.join(', ')} advertise the IP of the Kubernetes node ${ids.length > 1 ? 'they run' : 'it runs'} on (status.hostIP, the node's InternalIP — on most clouds a private address clients outside its network cannot reach). If clients connect through the nodes' external IPs or DNS names, set configuration.preferredNodePortAddressType (ExternalIP, ExternalDNS: read from the node at pod start), configuration.advertisedHostTemplate (e.g. "kafka-{nodeId}.example.com", a name resolving to the node of broker {nodeId}) or configuration.brokers[].advertisedHost`,
    ];
  });
}

/** Every Kubernetes object of one cluster, in the order `kubectl apply -f` should create them. Pure. */
export function renderKubernetes(input: RenderInput): KubernetesRender {
  const ctx = renderContext(input);
  const { settings, cluster } = ctx;
  const objects: KubeObject[] = [];
  if (settings.serviceAccount.create) objects.push(renderServiceAccount(ctx));
  if (cluster.spec.rack || nodeAddressType(ctx)) objects.push(...renderRackRbac(ctx));
  objects.push(renderIdentitySecret(ctx));
  objects.push(...renderCertManager(ctx));
  const configMap = renderConfigMap(ctx);
  const metricsConfigMap = settings.monitoring.enabled ? renderMetricsConfigMap(ctx) : undefined;
  const poolConfigs = new Map(
    cluster.spec.nodePools.map((pool) => {
      const hash = poolConfigHash(ctx, configMap, pool.name, metricsConfigMap);
      return [pool.name, { hash, configMap: renderPoolConfigMap(ctx, configMap, pool.name, hash) }] as const;
    }),
  );
  for (const pool of poolConfigs.values()) objects.push(pool.configMap);
  if (metricsConfigMap) objects.push(metricsConfigMap);
  for (const pool of cluster.spec.nodePools) objects.push(renderHeadlessService(ctx, pool));
  const bootstrap = renderBootstrapService(ctx);
  if (bootstrap) objects.push(bootstrap);
  for (const plan of ctx.external) objects.push(...renderExternalServices(ctx, plan));
  for (const pool of cluster.spec.nodePools) {
    const config = poolConfigs.get(pool.name)!;
    objects.push(renderStatefulSet(ctx, pool, config.hash, config.configMap.metadata.name));
  }
  objects.push(renderPodDisruptionBudget(ctx));
  if (settings.networkPolicy.enabled) objects.push(renderNetworkPolicy(ctx));
  if (settings.monitoring.enabled) {
    if (settings.monitoring.kafkaExporter.enabled) objects.push(renderKafkaExporter(ctx));
    if (settings.monitoring.podMonitor) objects.push(renderPodMonitor(ctx));
    if (settings.monitoring.prometheusRule) objects.push(renderPrometheusRule(ctx));
    objects.push(renderDashboardsConfigMap(ctx));
  }
  if (settings.console.enabled) {
    objects.push(renderConsoleDeployment(ctx), renderConsoleService(ctx));
    if (settings.networkPolicy.enabled) objects.push(renderConsoleNetworkPolicy(ctx));
  }
  const topics = renderTopicsJob(ctx);
  if (topics.job) objects.push(topics.job);
  return {
    objects,
    warnings: [...externalListenerWarnings(cluster), ...nodeIpWarnings(ctx), ...internalSecretNotice(ctx), ...consoleUsersNotice(ctx), ...topics.warnings, ...limitWarnings(ctx, input.previous)],
    context: ctx,
  };
}

/** The console's users file is a Secret render cannot make (it holds password hashes the user chooses). */
function consoleUsersNotice(ctx: RenderContext): string[] {
  if (!ctx.settings.console.enabled) return [];
  const { name, key } = ctx.names.consoleUsers;
  return [
    `the console logs users in from Secret ${name} (key ${key}): create it before applying, e.g. printf %s "$PASSWORD" | kafkaplane console --hash-password admin > users && kubectl -n ${ctx.names.namespace} create secret generic ${name} --from-file=${key}=users; the console pod waits until it exists`,
  ];
}

/**
 * A secured cluster's internal password comes from a Secret render cannot make (it would have to invent the
 * password, and rendering is pure): say which one to create before applying.
 */
function internalSecretNotice(ctx: RenderContext): string[] {
  if (!usesSasl(ctx.model.listeners.replication.securityProtocol)) return [];
  const { name, key } = ctx.names.internalPassword;
  return [
    `the cluster's own listeners authenticate (SASL/PLAIN as "kafkaplane"): create Secret ${name} with key ${key} before applying, e.g. kubectl -n ${ctx.names.namespace} create secret generic ${name} --from-literal=${key}=$(openssl rand -hex 24); pods wait until it exists`,
  ];
}
