import { z } from 'zod';

export const API_VERSION = 'kafkaplane.io/v1alpha1';
export const CLUSTER_LABEL = 'kafkaplane.io/cluster';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A DNS-1123 label (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/), at most `max` long. */
export function dnsLabel(max: number) {
  return z
    .string()
    .max(max, { message: `must be at most ${max} characters (it becomes part of Kubernetes object names)` })
    .regex(DNS1123_LABEL, {
      message: 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit',
    });
}

export const dnsSubdomain = z.string().max(253).regex(DNS1123_SUBDOMAIN, {
  message: 'must be a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit',
});

/** A Kubernetes resource quantity such as 10Gi, 1.5Gi, 500m or 2. */
export const quantity = z
  .union([z.string(), z.number()])
  .transform((value) => String(value))
  .pipe(
    z.string().regex(/^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?$/, {
      message: 'must be a Kubernetes quantity such as 10Gi, 512Mi, 500m or 2',
    }),
  );

const QUANTITY_UNITS: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  Ki: 1024,
  M: 1e6,
  Mi: 1024 ** 2,
  G: 1e9,
  Gi: 1024 ** 3,
  T: 1e12,
  Ti: 1024 ** 4,
  P: 1e15,
  Pi: 1024 ** 5,
  E: 1e18,
  Ei: 1024 ** 6,
};

/** The value of a quantity the `quantity` schema accepted (cores, bytes), to compare two of them. */
export function quantityValue(q: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)([a-zA-Z]*)$/.exec(q);
  return m ? Number(m[1]) * (QUANTITY_UNITS[m[2]!] ?? Number.NaN) : Number.NaN;
}

/** A config value for Kafka: properties files only hold strings, but YAML users write numbers and booleans. */
export const configValue = z.union([z.string(), z.number(), z.boolean()]);
export const configMap = z.record(z.string().min(1), configValue);

export const metadata = z.strictObject({
  name: dnsSubdomain,
  namespace: dnsLabel(63).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

export const secretKeyRef = z.strictObject({
  name: dnsSubdomain,
  key: z.string().min(1),
});
