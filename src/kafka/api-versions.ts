import type { Connection } from '@platformatic/kafka';
import type { loadKafka } from './client.ts';

type Lib = Awaited<ReturnType<typeof loadKafka>>;

const known = new WeakMap<object, Promise<Map<number, number>>>();

/** The highest version of each API (by key) the broker at the other end of `connection` supports, asked once per connection. */
export function brokerApiVersions(connection: Connection, lib: Lib): Promise<Map<number, number>> {
  let versions = known.get(connection);
  if (!versions) {
    versions = lib.apiVersionsV3.api.async(connection, 'kafkaplane', '0.1.0').then((r) => new Map(r.apiKeys.map((k) => [k.apiKey, k.maxVersion])));
    // A failed answer is asked again next time.
    versions.catch(() => known.delete(connection));
    known.set(connection, versions);
  }
  return versions;
}
