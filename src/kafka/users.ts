import type { Admin } from '@platformatic/kafka';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { KafkaplaneError, action, hint } from '../errors.ts';
import { type AclBinding, aclKey } from '../model/acls.ts';
import { pause } from './admin-session.ts';
import { brokerConnection } from './broker-link.ts';
import { type KafkaLibrary, loadKafka } from './client.ts';

/** SCRAM-SHA-512's id in AlterUserScramCredentials (KIP-554); 4096 is Kafka's minimum iteration count for it. */
const SCRAM_SHA_512 = 2;
const ITERATIONS = 8192;

/**
 * Creates or replaces a user's SCRAM-SHA-512 credential. KIP-554 sends the salted password, never the password:
 * SaltedPassword = Hi(password, salt, i) = PBKDF2-HMAC-SHA-512 (RFC 5802).
 */
export async function upsertScramCredential(admin: Admin, user: string, password: string): Promise<void> {
  const salt = randomBytes(32);
  const saltedPassword = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, ITERATIONS, 64, 'sha512');
  const { alterUserScramCredentialsV0 } = await loadKafka();
  const connection = await brokerConnection(admin);
  const response = await alterUserScramCredentialsV0.api.async(connection, [], [{ name: user, mechanism: SCRAM_SHA_512, iterations: ITERATIONS, salt, saltedPassword }]);
  const failed = response.results.find((r) => r.errorCode !== 0);
  if (failed) {
    throw new KafkaplaneError('SCRAM_UPSERT_FAILED', `cannot set the SCRAM credential of user "${user}": ${failed.errorMessage ?? `error code ${failed.errorCode}`}`);
  }
}

export async function deleteScramCredential(admin: Admin, user: string): Promise<void> {
  const { alterUserScramCredentialsV0 } = await loadKafka();
  const connection = await brokerConnection(admin);
  const response = await alterUserScramCredentialsV0.api.async(connection, [{ name: user, mechanism: SCRAM_SHA_512 }], []);
  const failed = response.results.find((r) => r.errorCode !== 0 && r.errorCode !== 91 /* RESOURCE_NOT_FOUND */);
  if (failed) throw new KafkaplaneError('SCRAM_DELETE_FAILED', `cannot delete the SCRAM credential of "${user}": ${failed.errorMessage ?? failed.errorCode}`);
}

function toKafka(lib: KafkaLibrary, b: AclBinding) {
  const { AclOperations, AclPermissionTypes, ResourcePatternTypes, ResourceTypes } = lib;
  return {
    principal: b.principal,
    host: b.host,
    resourceType: ResourceTypes[b.resourceType],
    resourceName: b.resourceName,
    resourcePatternType: b.patternType === 'PREFIXED' ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
    operation: AclOperations[b.operation],
    permissionType: b.permission === 'DENY' ? AclPermissionTypes.DENY : AclPermissionTypes.ALLOW,
  };
}

const byValue = (table: Record<string, number>) => Object.fromEntries(Object.entries(table).map(([k, v]) => [v, k])) as Record<number, string>;

/** Every ACL binding of one principal, as Kafka reports them. */
export async function principalAcls(admin: Admin, principal: string): Promise<AclBinding[]> {
  return listAcls(admin, principal);
}

/** Every ACL binding (of one principal, or of all with null), as Kafka reports them. */
export async function listAcls(admin: Admin, principal: string | null): Promise<AclBinding[]> {
  const { AclOperations, AclPermissionTypes, ResourcePatternTypes, ResourceTypes } = await loadKafka();
  const RESOURCE_NAMES = byValue(ResourceTypes);
  const OPERATION_NAMES = byValue(AclOperations);
  const resources = await admin.describeAcls({
    filter: {
      resourceType: ResourceTypes.ANY,
      resourceName: null,
      resourcePatternType: ResourcePatternTypes.ANY,
      principal,
      host: null,
      operation: AclOperations.ANY,
      permissionType: AclPermissionTypes.ANY,
    },
  });
  return resources.flatMap((r) =>
    r.acls.map(
      (a): AclBinding => ({
        principal: a.principal,
        resourceType: RESOURCE_NAMES[r.resourceType] as AclBinding['resourceType'],
        resourceName: r.resourceName,
        patternType: r.resourcePatternType === ResourcePatternTypes.PREFIXED ? 'PREFIXED' : 'LITERAL',
        operation: OPERATION_NAMES[a.operation] as AclBinding['operation'],
        host: a.host,
        permission: a.permissionType === AclPermissionTypes.DENY ? 'DENY' : 'ALLOW',
      }),
    ),
  );
}

export async function createAcls(admin: Admin, bindings: readonly AclBinding[]): Promise<void> {
  if (bindings.length === 0) return;
  const lib = await loadKafka();
  await admin.createAcls({ creations: bindings.map((b) => toKafka(lib, b)) });
}

export async function deleteAcls(admin: Admin, bindings: readonly AclBinding[]): Promise<void> {
  if (bindings.length === 0) return;
  const lib = await loadKafka();
  await admin.deleteAcls({ filters: bindings.map((b) => toKafka(lib, b)) });
}

/** Every user with a SCRAM credential and its mechanisms (one DescribeUserScramCredentials for all users). */
export async function listScramUsers(admin: Admin): Promise<{ user: string; mechanisms: string[] }[]> {
  const { describeUserScramCredentialsV0 } = await loadKafka();
  const connection = await brokerConnection(admin);
  const response = await describeUserScramCredentialsV0.api.async(connection, null);
  const names: Record<number, string> = { 1: 'SCRAM-SHA-256', 2: 'SCRAM-SHA-512' };
  return response.results
    .filter((r) => r.errorCode === 0)
    .map((r) => ({ user: r.user, mechanisms: r.credentialInfos.map((c) => names[c.mechanism] ?? String(c.mechanism)) }))
    .sort((a, b) => (a.user < b.user ? -1 : 1));
}

/** The users among `names` that have a SCRAM-SHA-512 credential (one DescribeUserScramCredentials request). */
export async function usersWithScram(admin: Admin, names: readonly string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const { describeUserScramCredentialsV0 } = await loadKafka();
  const connection = await brokerConnection(admin);
  // A user without credentials is a per-result RESOURCE_NOT_FOUND; the library rejects then, with the response attached.
  type Response = Awaited<ReturnType<KafkaLibrary['describeUserScramCredentialsV0']['api']['async']>>;
  const response = await describeUserScramCredentialsV0.api
    .async(
      connection,
      names.map((name) => ({ name })),
    )
    .catch((error: unknown) => {
      const partial = (error as { response?: Response }).response;
      if (partial) return partial;
      throw error;
    });
  return new Set(response.results.filter((r) => r.errorCode === 0 && r.credentialInfos.some((c) => c.mechanism === SCRAM_SHA_512)).map((r) => r.user));
}

/**
 * Waits until every broker knows the users' SCRAM credentials and the ACLs are in force. Both are written to the
 * KRaft metadata log by the controller and reach each broker's cache a moment later; `up` returns only when a
 * client can actually log in and be authorised.
 */
export async function waitForSecurity(admin: Admin, expected: { users: readonly string[]; acls: ReadonlyMap<string, readonly AclBinding[]> }, timeoutMs = 30_000): Promise<void> {
  const { describeUserScramCredentialsV0 } = await loadKafka();
  const deadline = Date.now() + timeoutMs;
  let missing = '';
  while (Date.now() < deadline) {
    missing = '';
    const metadata = await admin.metadata({ topics: [], forceUpdate: true });
    if (expected.users.length > 0) {
      for (const [id, broker] of metadata.brokers) {
        const connection = await admin.connections.get({ host: broker.host, port: broker.port });
        const response = await describeUserScramCredentialsV0.api
          .async(
            connection,
            expected.users.map((name) => ({ name })),
          )
          .catch(() => undefined);
        const known = new Set((response?.results ?? []).filter((r) => r.errorCode === 0 && r.credentialInfos.length > 0).map((r) => r.user));
        const absent = expected.users.filter((u) => !known.has(u));
        if (absent.length > 0) missing = `broker ${id} does not know the SCRAM credential of ${absent.join(', ')} yet`;
      }
    }
    if (missing === '') {
      for (const [principal, bindings] of expected.acls) {
        const have = new Set((await principalAcls(admin, principal)).map(aclKey));
        if (bindings.some((b) => !have.has(aclKey(b)))) missing = `the ACLs of ${principal} are not in force yet`;
      }
    }
    if (missing === '') return;
    await pause(250); // polling, not the cluster going quiet (withAdmin's stall deadline)
  }
  throw new KafkaplaneError('SECURITY_NOT_PROPAGATED', `users and ACLs were written but ${missing} after ${Math.round(timeoutMs / 1000)} s`, {
    hint: hint`the brokers are not catching up with the metadata log; check the node logs (${action('logs')})`,
  });
}
