import { z } from 'zod';
import { dnsLabel, dnsSubdomain, quantity } from './common.ts';

/**
 * Pod template overrides for the Kafka pods, as Strimzi's `template` (issue 13 major 7): at cluster level
 * (spec.kubernetes.template) and per pool (spec.nodePools[].template, which overrides the cluster's field by field;
 * lists of named things — env, volumes, volumeMounts, containers — merge by name). Render applies them (src/render/
 * pod-template.ts), and so does the operator, which applies what render produces. The schemas follow the Kubernetes
 * API types (core/v1) for the fields kafkaplane needs to understand; the apiserver validates the rest of an extra
 * container or volume.
 */

export const toleration = z
  .strictObject({
    key: z.string().optional(),
    operator: z.enum(['Exists', 'Equal']).optional(),
    value: z.string().optional(),
    effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
    tolerationSeconds: z.int().optional(),
  })
  .superRefine((t, ctx) => {
    // Kubernetes' own rules for a toleration (found by the apiserver fuzz test).
    if (!t.key && t.operator !== 'Exists') {
      ctx.addIssue({
        code: 'custom',
        path: ['operator'],
        input: t.operator,
        message: 'a toleration without a key must have operator: Exists (it tolerates every taint); set key, or operator: Exists',
      });
    }
    if (t.operator === 'Exists' && t.value) {
      ctx.addIssue({ code: 'custom', path: ['value'], input: t.value, message: 'a toleration with operator: Exists takes no value; remove value, or use operator: Equal' });
    }
  });

const labels = z.record(z.string().min(1), z.string());
/** A Kubernetes id field that can be removed from kafkaplane's defaults with null (e.g. OpenShift assigns the uid). */
const unsettableId = z.int().min(0).max(2147483647).nullable().optional();

const seccompProfile = z.strictObject({ type: z.enum(['RuntimeDefault', 'Localhost', 'Unconfined']), localhostProfile: z.string().min(1).optional() });
const seLinuxOptions = z.strictObject({ user: z.string().optional(), role: z.string().optional(), type: z.string().optional(), level: z.string().optional() });

/** core/v1 PodSecurityContext. null removes kafkaplane's default (runAsUser/runAsGroup/fsGroup 1000, …). */
export const podSecurityContextOverride = z.strictObject({
  runAsUser: unsettableId,
  runAsGroup: unsettableId,
  fsGroup: unsettableId,
  runAsNonRoot: z.boolean().nullable().optional(),
  fsGroupChangePolicy: z.enum(['OnRootMismatch', 'Always']).nullable().optional(),
  supplementalGroups: z.array(z.int().min(0)).nullable().optional(),
  seccompProfile: seccompProfile.nullable().optional(),
  seLinuxOptions: seLinuxOptions.nullable().optional(),
});

/** core/v1 SecurityContext of a container. null removes kafkaplane's default. */
export const containerSecurityContextOverride = z.strictObject({
  runAsUser: unsettableId,
  runAsGroup: unsettableId,
  runAsNonRoot: z.boolean().nullable().optional(),
  allowPrivilegeEscalation: z.boolean().nullable().optional(),
  readOnlyRootFilesystem: z.boolean().nullable().optional(),
  capabilities: z
    .strictObject({ add: z.array(z.string().min(1)).optional(), drop: z.array(z.string().min(1)).optional() })
    .nullable()
    .optional(),
  seccompProfile: seccompProfile.nullable().optional(),
  seLinuxOptions: seLinuxOptions.nullable().optional(),
});

const labelSelectorRequirement = z.strictObject({
  key: z.string().min(1),
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
  values: z.array(z.string()).optional(),
});
const labelSelector = z.strictObject({ matchLabels: labels.optional(), matchExpressions: z.array(labelSelectorRequirement).optional() });
const nodeSelectorRequirement = z.strictObject({
  key: z.string().min(1),
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']),
  values: z.array(z.string()).optional(),
});
const nodeSelectorTerm = z.strictObject({ matchExpressions: z.array(nodeSelectorRequirement).optional(), matchFields: z.array(nodeSelectorRequirement).optional() });
const podAffinityTerm = z.strictObject({
  labelSelector: labelSelector.optional(),
  namespaceSelector: labelSelector.optional(),
  namespaces: z.array(z.string().min(1)).optional(),
  topologyKey: z.string().min(1),
  matchLabelKeys: z.array(z.string().min(1)).optional(),
  mismatchLabelKeys: z.array(z.string().min(1)).optional(),
});
const weight = z.int().min(1).max(100);
const podAffinity = z.strictObject({
  requiredDuringSchedulingIgnoredDuringExecution: z.array(podAffinityTerm).optional(),
  preferredDuringSchedulingIgnoredDuringExecution: z.array(z.strictObject({ weight, podAffinityTerm })).optional(),
});

/** core/v1 Affinity. Each of its three parts replaces kafkaplane's (which sets only podAntiAffinity). */
export const affinity = z.strictObject({
  nodeAffinity: z
    .strictObject({
      requiredDuringSchedulingIgnoredDuringExecution: z.strictObject({ nodeSelectorTerms: z.array(nodeSelectorTerm).min(1) }).optional(),
      preferredDuringSchedulingIgnoredDuringExecution: z.array(z.strictObject({ weight, preference: nodeSelectorTerm })).optional(),
    })
    .optional(),
  podAffinity: podAffinity.optional(),
  podAntiAffinity: podAffinity.optional(),
});

export const topologySpreadConstraint = z.strictObject({
  maxSkew: z.int().min(1),
  topologyKey: z.string().min(1),
  whenUnsatisfiable: z.enum(['DoNotSchedule', 'ScheduleAnyway']),
  labelSelector: labelSelector.optional(),
  minDomains: z.int().min(1).optional(),
  nodeAffinityPolicy: z.enum(['Honor', 'Ignore']).optional(),
  nodeTaintsPolicy: z.enum(['Honor', 'Ignore']).optional(),
  matchLabelKeys: z.array(z.string().min(1)).optional(),
});

const keyRef = z.strictObject({ name: dnsSubdomain, key: z.string().min(1), optional: z.boolean().optional() });
/** core/v1 EnvVar: a value, or a reference (Secret, ConfigMap, the pod's own fields). */
export const envVar = z
  .strictObject({
    name: z.string().regex(/^[-._a-zA-Z][-._a-zA-Z0-9]*$/, { message: 'must be an environment variable name (letters, digits, _ - .; not starting with a digit)' }),
    value: z.string().optional(),
    valueFrom: z
      .strictObject({
        secretKeyRef: keyRef.optional(),
        configMapKeyRef: keyRef.optional(),
        fieldRef: z.strictObject({ fieldPath: z.string().min(1), apiVersion: z.string().optional() }).optional(),
        resourceFieldRef: z.strictObject({ resource: z.string().min(1), containerName: z.string().optional(), divisor: quantity.optional() }).optional(),
      })
      .refine((v) => Object.keys(v).length === 1, { message: 'give exactly one of secretKeyRef, configMapKeyRef, fieldRef, resourceFieldRef' })
      .optional(),
  })
  .refine((e) => e.value === undefined || e.valueFrom === undefined, { message: 'give value or valueFrom, not both' });

export const volumeMount = z.strictObject({
  name: dnsLabel(63),
  mountPath: z.string().regex(/^\//, { message: 'must be an absolute path' }),
  readOnly: z.boolean().optional(),
  subPath: z.string().optional(),
  subPathExpr: z.string().optional(),
  mountPropagation: z.enum(['None', 'HostToContainer', 'Bidirectional']).optional(),
});

/** core/v1 Volume: a name and exactly one source (emptyDir, secret, configMap, persistentVolumeClaim, csi, …). */
export const volume = z.looseObject({ name: dnsLabel(63) }).refine((v) => Object.keys(v).filter((k) => k !== 'name').length === 1, {
  message: 'a volume needs its name and exactly one source, e.g. {name: certs, secret: {secretName: my-certs}}',
});

/** core/v1 Container for sidecars and extra init containers; the apiserver checks the fields not named here. */
export const extraContainer = z.looseObject({
  name: dnsLabel(63),
  image: z.string().min(1),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  env: z.array(envVar).optional(),
  volumeMounts: z.array(volumeMount).optional(),
  securityContext: containerSecurityContextOverride.optional(),
});

const probeTiming = z.strictObject({
  initialDelaySeconds: z.int().min(0).max(86400).optional(),
  periodSeconds: z.int().min(1).max(3600).optional(),
  timeoutSeconds: z.int().min(1).max(3600).optional(),
  failureThreshold: z.int().min(1).max(100000).optional(),
});

export const podTemplate = z.strictObject({
  pod: z
    .strictObject({
      metadata: z.strictObject({ labels: labels.optional(), annotations: labels.optional() }).optional(),
      securityContext: podSecurityContextOverride.optional(),
      affinity: affinity.optional(),
      tolerations: z.array(toleration).optional(),
      topologySpreadConstraints: z.array(topologySpreadConstraint).optional(),
      priorityClassName: dnsSubdomain.optional(),
      nodeSelector: labels.optional(),
      volumes: z.array(volume).optional(),
      /** Sidecars, after the kafka container. */
      containers: z.array(extraContainer).optional(),
      /** Run after kafkaplane's own init containers. */
      initContainers: z.array(extraContainer).optional(),
    })
    .optional(),
  kafkaContainer: z
    .strictObject({
      env: z.array(envVar).optional(),
      volumeMounts: z.array(volumeMount).optional(),
      securityContext: containerSecurityContextOverride.optional(),
    })
    .optional(),
  /**
   * Probe timings of the kafka container (docs/render.md, probes). The startup probe's failureThreshold defaults to
   * a budget scaled with the pool's storage: 10 minutes plus 10 minutes per 100 Gi, for log recovery after an unclean stop.
   */
  probes: z.strictObject({ startup: probeTiming.optional(), readiness: probeTiming.optional(), liveness: probeTiming.optional() }).optional(),
});

export type PodTemplate = z.infer<typeof podTemplate>;
