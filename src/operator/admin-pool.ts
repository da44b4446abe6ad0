import type { Admin } from '@platformatic/kafka';
import { KafkaplaneError } from '../errors.ts';
import { createAdmin } from '../kafka/admin-session.ts';
import type { ConnectionConfig } from '../kafka/client.ts';

/**
 * One Admin client per Kafka connection, kept across reconciles (connecting and the first metadata request cost
 * more than a reconcile). A client that failed is closed and made anew on next use.
 */
export class AdminPool {
  readonly #admins = new Map<string, Promise<Admin>>();

  async get(config: ConnectionConfig): Promise<Admin> {
    const key = JSON.stringify(config);
    let admin = this.#admins.get(key);
    if (!admin) {
      admin = createAdmin(config);
      this.#admins.set(key, admin);
    }
    return admin;
  }

  /**
   * Runs fn with the pooled admin, bounded by `limitMs` (a client whose request never completes would otherwise hold
   * every later call that joins it); a failure drops (and closes) the admin so that the retry connects afresh.
   */
  async with<T>(config: ConnectionConfig, fn: (admin: Admin) => Promise<T>, limitMs = 20_000): Promise<T> {
    const admin = await this.get(config);
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        fn(admin),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new KafkaplaneError('KAFKA_UNREACHABLE', `Kafka at ${config.bootstrap.join(',')} did not complete the operator's requests within ${limitMs / 1000} s`)),
            limitMs,
          );
        }),
      ]);
    } catch (error) {
      const key = JSON.stringify(config);
      if ((await this.#admins.get(key)) === admin) this.#admins.delete(key);
      await admin.close().catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    const admins = [...this.#admins.values()];
    this.#admins.clear();
    await Promise.all(admins.map(async (a) => (await a).close().catch(() => undefined)));
  }
}
