import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { promisify } from 'node:util';
import { KafkaplaneError, errorMessage } from '../errors.ts';
import type { TlsMaterial } from '../model/placement.ts';

export interface LocalTls {
  material: TlsMaterial;
  /** PEM of the cluster's CA: what clients trust (kcat -X ssl.ca.location, --tls-ca). */
  caFile: string;
  /**
   * kafkaplane's own TLS login on the cluster's internal listeners (spec.internalTls, which require a client
   * certificate): the nodes' keystore (Node reads PKCS12 as `pfx`) and the CA.
   */
  client: TlsOptions;
}

async function localTls(caFile: string, keystore: string, password: string): Promise<LocalTls> {
  const [ca, pfx] = await Promise.all([readFile(caFile, 'utf8'), readFile(keystore)]);
  return {
    caFile,
    // The same file is the truststore: it holds the CA as a trusted certificate entry beside the node's key.
    material: { keystoreLocation: keystore, keystorePassword: password, keystoreType: 'PKCS12', truststoreLocation: keystore },
    client: { ca, pfx, passphrase: password },
  };
}

/** The cluster's TLS material when it is complete; never creates anything (status and down only read). */
export async function readLocalTls(dir: string): Promise<LocalTls | undefined> {
  const caFile = join(dir, 'ca.crt');
  const keystore = join(dir, 'broker.p12');
  const passwordFile = join(dir, 'keystore.password');
  if (!existsSync(caFile) || !existsSync(keystore) || !existsSync(passwordFile)) return undefined;
  return localTls(caFile, keystore, (await readFile(passwordFile, 'utf8')).trim());
}

/**
 * A private CA per local cluster and one broker certificate for 127.0.0.1/localhost, made with the JDK's keytool
 * (no extra dependency; Java is already required). Created once and kept in the state directory.
 */
export async function ensureLocalTls(dir: string, clusterName: string, javaBin: string): Promise<LocalTls> {
  const existing = await readLocalTls(dir);
  if (existing) return existing;
  const caFile = join(dir, 'ca.crt');
  const keystore = join(dir, 'broker.p12');
  const keytool = join(dirname(javaBin), 'keytool');
  const tool = existsSync(keytool) ? keytool : 'keytool';
  const work = `${dir}.tmp-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true, mode: 0o700 });
  const password = randomBytes(18).toString('base64url');
  const run = async (args: string[]) => {
    try {
      await promisify(execFile)(tool, args, { cwd: work, timeout: 60_000 });
    } catch (error) {
      const e = error as { stderr?: string };
      throw new KafkaplaneError('TLS_SETUP_FAILED', `creating the local cluster's TLS certificates with keytool failed: ${e.stderr?.trim() || errorMessage(error)}`, {
        cause: error,
        hint: 'keytool comes with the JDK; make sure $JAVA_HOME/bin/keytool (or keytool on PATH) runs',
      });
    }
  };
  const common = ['-storetype', 'PKCS12', '-storepass', password, '-keypass', password];
  // The CA and the broker key are independent: make them side by side (each keytool run is a JVM start).
  await Promise.all([
    (async () => {
      await run([
        '-genkeypair',
        '-alias',
        'ca',
        '-keyalg',
        'RSA',
        '-keysize',
        '2048',
        '-validity',
        '3650',
        '-dname',
        `CN=kafkaplane ${clusterName} local CA`,
        '-ext',
        'bc:c',
        '-keystore',
        'ca.p12',
        ...common,
      ]);
      await run(['-exportcert', '-rfc', '-alias', 'ca', '-keystore', 'ca.p12', '-storepass', password, '-file', 'ca.crt']);
    })(),
    (async () => {
      await run(['-genkeypair', '-alias', 'broker', '-keyalg', 'RSA', '-keysize', '2048', '-validity', '825', '-dname', `CN=${clusterName}.kafkaplane.local`, '-keystore', 'broker.p12', ...common]);
      await run(['-certreq', '-alias', 'broker', '-keystore', 'broker.p12', '-storepass', password, '-file', 'broker.csr']);
    })(),
  ]);
  await run([
    '-gencert',
    '-alias',
    'ca',
    '-keystore',
    'ca.p12',
    '-storepass',
    password,
    '-infile',
    'broker.csr',
    '-outfile',
    'broker.crt',
    '-rfc',
    '-validity',
    '825',
    '-ext',
    'SAN=ip:127.0.0.1,dns:localhost',
    '-ext',
    'KU=digitalSignature,keyEncipherment',
    '-ext',
    'EKU=serverAuth,clientAuth',
  ]);
  await run(['-importcert', '-noprompt', '-alias', 'ca', '-file', 'ca.crt', '-keystore', 'broker.p12', '-storepass', password]);
  await run(['-importcert', '-alias', 'broker', '-file', 'broker.crt', '-keystore', 'broker.p12', ...common]);
  await writeFile(join(work, 'keystore.password'), `${password}\n`, { mode: 0o600 });
  await rm(join(work, 'broker.csr'), { force: true });
  await rm(dir, { recursive: true, force: true });
  await rename(work, dir);
  return localTls(caFile, keystore, password);
}
