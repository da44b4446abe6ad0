import { INTERNAL_USER } from '../model/listeners.ts';
import { NODE_KEYSTORE_PASSWORD } from '../model/placement-kubernetes.ts';
import { type KubeObject, type RenderContext, meta, standardLabels } from './objects.ts';

/**
 * spec.internalTls on Kubernetes, issued by cert-manager (https://cert-manager.io): mutual TLS on the REPLICATION and
 * CONTROLLER listeners needs a certificate per node that every other node trusts, and a client certificate for what
 * kafkaplane itself runs against those listeners (the topics Job, the exporter). Render writes the cert-manager
 * resources; cert-manager writes the Secrets (tls.crt, tls.key, ca.crt, keystore.p12, truststore.p12) the pods mount.
 *
 * - Issuer: by default a CA of the cluster's own — a SelfSigned Issuer signs a CA Certificate, a CA Issuer signs the
 *   node and client certificates — or the user's (kubernetes.certManager.issuerRef), which must put ca.crt in the
 *   Secrets it writes (CA and Vault issuers do): the truststore is that CA.
 * - One node certificate for all pods (a StatefulSet mounts one Secret in all its pods): its SANs are every pod's
 *   DNS name (<pod>.<headless service>.<namespace>.svc and .svc.<cluster domain>), the bootstrap Service's names and
 *   the hosts of nodeport/loadbalancer listeners that the spec names (a node's own IP is only known at run time).
 * - The PKCS12 files are encrypted with a fixed password (model/placement-kubernetes.ts NODE_KEYSTORE_PASSWORD): the
 *   same Secret holds the key unencrypted in tls.key, so RBAC on the Secret is what protects it, not that password.
 */

export const CERT_MANAGER_API = 'cert-manager.io/v1';
/** The CA of the default issuer chain lives this long (cert-manager renews it 1/3 before expiry). */
const CA_DURATION = '87600h';

function issuerRef(ctx: RenderContext): { name: string; kind: string; group: string } {
  const user = ctx.settings.certManager.issuerRef;
  return user ?? { name: ctx.names.certManager.caIssuer, kind: 'Issuer', group: 'cert-manager.io' };
}

/** Every DNS name and IP a node's certificate must carry. */
export function nodeCertificateNames(ctx: RenderContext): { dnsNames: string[]; ipAddresses: string[] } {
  const { names, model } = ctx;
  const dns = new Set<string>();
  const ips = new Set<string>();
  const withShortForms = (fqdn: string) => {
    dns.add(fqdn);
    // <name>.<namespace>.svc is what resolves from inside the cluster without the cluster domain.
    const suffix = `.svc.${names.clusterDomain}`;
    if (fqdn.endsWith(suffix)) dns.add(fqdn.slice(0, -names.clusterDomain.length - 1));
  };
  for (const node of model.nodes) withShortForms(names.podAddress(node));
  withShortForms(names.bootstrapAddress);
  dns.add(names.bootstrapService);
  dns.add(`${names.bootstrapService}.${names.namespace}`);
  for (const plan of ctx.external) {
    for (const broker of plan.brokers.values()) {
      if (broker.host === undefined) continue;
      if (/^\d{1,3}(\.\d{1,3}){3}$/.test(broker.host) || broker.host.includes(':')) ips.add(broker.host);
      else dns.add(broker.host);
    }
  }
  return { dnsNames: [...dns], ipAddresses: [...ips] };
}

function certificate(ctx: RenderContext, name: string, component: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: CERT_MANAGER_API, kind: 'Certificate', metadata: meta(ctx, name, standardLabels(ctx, 'kafka', component)), spec };
}

function leafSpec(ctx: RenderContext, secretName: string, usages: string[]): Record<string, unknown> {
  const { duration, renewBefore } = ctx.settings.certManager;
  return {
    secretName,
    duration,
    renewBefore,
    subject: { organizations: ['kafkaplane'], organizationalUnits: [ctx.names.cluster] },
    privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
    usages,
    // Java reads Modern2023 (AES-256-CBC, PBKDF2); the default LegacyRC2 profile is refused by current JDKs' defaults.
    keystores: { pkcs12: { create: true, password: NODE_KEYSTORE_PASSWORD, profile: 'Modern2023' } },
    issuerRef: issuerRef(ctx),
  };
}

/** The cert-manager resources of a cluster with spec.internalTls, in the order they should be applied. Pure. */
export function renderCertManager(ctx: RenderContext): KubeObject[] {
  if (!ctx.cluster.spec.internalTls) return [];
  const { names } = ctx;
  const cm = names.certManager;
  const objects: KubeObject[] = [];
  if (ctx.settings.certManager.issuerRef === undefined) {
    const labels = standardLabels(ctx, 'kafka', 'certificate-authority');
    objects.push({ apiVersion: CERT_MANAGER_API, kind: 'Issuer', metadata: meta(ctx, cm.selfSignedIssuer, labels), spec: { selfSigned: {} } });
    objects.push(
      certificate(ctx, cm.caCertificate, 'certificate-authority', {
        isCA: true,
        commonName: `${names.cluster} kafkaplane CA`.slice(0, 64),
        subject: { organizations: ['kafkaplane'] },
        secretName: cm.caSecret,
        duration: CA_DURATION,
        privateKey: { algorithm: 'ECDSA', size: 256 },
        issuerRef: { name: cm.selfSignedIssuer, kind: 'Issuer', group: 'cert-manager.io' },
      }),
    );
    objects.push({ apiVersion: CERT_MANAGER_API, kind: 'Issuer', metadata: meta(ctx, cm.caIssuer, labels), spec: { ca: { secretName: cm.caSecret } } });
  }
  const { dnsNames, ipAddresses } = nodeCertificateNames(ctx);
  objects.push(
    certificate(ctx, cm.nodeCertificate, 'node-certificate', {
      commonName: `${names.cluster}-node`.slice(0, 64),
      dnsNames,
      ...(ipAddresses.length > 0 ? { ipAddresses } : {}),
      ...leafSpec(ctx, cm.nodeSecret, ['server auth', 'client auth', 'digital signature', 'key encipherment']),
    }),
  );
  objects.push(
    certificate(ctx, cm.clientCertificate, 'client-certificate', {
      commonName: INTERNAL_USER,
      ...leafSpec(ctx, cm.clientSecret, ['client auth', 'digital signature', 'key encipherment']),
    }),
  );
  return objects;
}
