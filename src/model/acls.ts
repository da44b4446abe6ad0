import type { Acl, KafkaUser } from '../api/kafka-user.ts';

/** One Kafka ACL binding, in Kafka's own vocabulary (AclBinding). */
export interface AclBinding {
  principal: string;
  resourceType: 'TOPIC' | 'GROUP' | 'CLUSTER' | 'TRANSACTIONAL_ID';
  resourceName: string;
  patternType: 'LITERAL' | 'PREFIXED';
  operation: 'ALL' | 'READ' | 'WRITE' | 'CREATE' | 'DELETE' | 'ALTER' | 'DESCRIBE' | 'CLUSTER_ACTION' | 'DESCRIBE_CONFIGS' | 'ALTER_CONFIGS' | 'IDEMPOTENT_WRITE';
  host: string;
  permission: 'ALLOW' | 'DENY';
}

const RESOURCE: Record<Acl['resource']['type'], AclBinding['resourceType']> = {
  topic: 'TOPIC',
  group: 'GROUP',
  cluster: 'CLUSTER',
  transactionalId: 'TRANSACTIONAL_ID',
};

const OPERATION: Record<Acl['operations'][number], AclBinding['operation']> = {
  All: 'ALL',
  Read: 'READ',
  Write: 'WRITE',
  Create: 'CREATE',
  Delete: 'DELETE',
  Alter: 'ALTER',
  Describe: 'DESCRIBE',
  ClusterAction: 'CLUSTER_ACTION',
  DescribeConfigs: 'DESCRIBE_CONFIGS',
  AlterConfigs: 'ALTER_CONFIGS',
  IdempotentWrite: 'IDEMPOTENT_WRITE',
};

export function userPrincipal(user: KafkaUser): string {
  return `User:${user.metadata.name}`;
}

/** The ACL bindings a KafkaUser asks for: one per operation, like kafka-acls.sh creates them. */
export function aclBindings(user: KafkaUser): AclBinding[] {
  const principal = userPrincipal(user);
  const bindings = (user.spec.authorization?.acls ?? []).flatMap((acl) =>
    acl.operations.map(
      (op): AclBinding => ({
        principal,
        resourceType: RESOURCE[acl.resource.type],
        // Kafka's cluster resource has exactly one name.
        resourceName: acl.resource.type === 'cluster' ? 'kafka-cluster' : acl.resource.name!,
        patternType: acl.resource.patternType === 'prefix' ? 'PREFIXED' : 'LITERAL',
        operation: OPERATION[op],
        host: acl.host,
        permission: acl.type === 'deny' ? 'DENY' : 'ALLOW',
      }),
    ),
  );
  const seen = new Set<string>();
  return bindings.filter((b) => {
    const key = aclKey(b);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function aclKey(b: AclBinding): string {
  return [b.principal, b.resourceType, b.resourceName, b.patternType, b.operation, b.host, b.permission].join('|');
}
