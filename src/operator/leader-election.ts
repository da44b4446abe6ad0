import { type KubeClient, KubeApiError, type KubeObject } from './kube/client.ts';
import { collectionPath, objectPath } from './kube/resources.ts';

/**
 * Leader election with a coordination.k8s.io Lease, as client-go's leaderelection: one operator replica reconciles;
 * the others wait. The holder renews the lease every `retryMs`; a lease not renewed for `leaseMs` may be taken over.
 * Updates carry the resourceVersion they read, so two candidates never both win (the loser gets 409 Conflict). A
 * leader that cannot renew within `leaseMs` has lost: `onLost` fires, and the operator exits (as controller-runtime
 * does) rather than keep reconciling next to a new leader.
 */
export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseMs?: number;
  retryMs?: number;
  onLost: () => void;
  log?: (message: string) => void;
}

interface Lease extends KubeObject {
  spec: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
}

const microTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export class LeaderElection {
  readonly #client: KubeClient;
  readonly #o: Required<Omit<LeaderElectionOptions, 'log'>> & Pick<LeaderElectionOptions, 'log'>;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #lastRenew = 0;

  constructor(client: KubeClient, options: LeaderElectionOptions) {
    this.#client = client;
    this.#o = { leaseMs: 15_000, retryMs: 2_000, ...options };
  }

  /** Resolves once this candidate holds the lease; keeps renewing it until `stop()`. */
  async acquire(): Promise<void> {
    for (;;) {
      if (this.#stopped) throw new Error('leader election stopped');
      if (await this.#tryAcquireOrRenew().catch(() => false)) break;
      await new Promise((r) => setTimeout(r, this.#o.retryMs));
    }
    this.#o.log?.(`became the leader (lease ${this.#o.namespace}/${this.#o.name}, identity ${this.#o.identity})`);
    const renew = async () => {
      if (this.#stopped) return;
      const ok = await this.#tryAcquireOrRenew().catch(() => false);
      if (!ok && Date.now() - this.#lastRenew > this.#o.leaseMs) {
        this.#o.log?.('lost the lease: stopping');
        this.#o.onLost();
        return;
      }
      this.#timer = setTimeout(renew, this.#o.retryMs);
    };
    this.#timer = setTimeout(renew, this.#o.retryMs);
  }

  /** Stops renewing and gives the lease up, so another replica takes over at once. */
  async release(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const lease = await this.#client.get<Lease>('Lease', this.#o.namespace, this.#o.name).catch(() => undefined);
    if (lease?.spec.holderIdentity !== this.#o.identity) return;
    await this.#client
      .request('PUT', objectPath('Lease', this.#o.namespace, this.#o.name), { ...lease, spec: { ...lease.spec, holderIdentity: '', renewTime: microTime(Date.now() - this.#o.leaseMs - 1000) } })
      .catch(() => undefined);
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const now = Date.now();
    const seconds = Math.ceil(this.#o.leaseMs / 1000);
    const lease = await this.#client.get<Lease>('Lease', this.#o.namespace, this.#o.name);
    if (!lease) {
      try {
        await this.#client.request('POST', collectionPath('Lease', this.#o.namespace), {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.#o.name, namespace: this.#o.namespace },
          spec: { holderIdentity: this.#o.identity, leaseDurationSeconds: seconds, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 },
        });
      } catch (error) {
        if (error instanceof KubeApiError && error.status === 409) return false;
        throw error;
      }
      this.#lastRenew = now;
      return true;
    }
    const holder = lease.spec.holderIdentity ?? '';
    const renewed = lease.spec.renewTime ? Date.parse(lease.spec.renewTime) : 0;
    const expired = now > renewed + (lease.spec.leaseDurationSeconds ?? seconds) * 1000;
    if (holder !== '' && holder !== this.#o.identity && !expired) return false;
    const taking = holder !== this.#o.identity;
    const spec = {
      ...lease.spec,
      holderIdentity: this.#o.identity,
      leaseDurationSeconds: seconds,
      renewTime: microTime(now),
      ...(taking ? { acquireTime: microTime(now), leaseTransitions: (lease.spec.leaseTransitions ?? 0) + 1 } : {}),
    };
    try {
      await this.#client.request('PUT', objectPath('Lease', this.#o.namespace, this.#o.name), { ...lease, spec });
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 409) return false;
      throw error;
    }
    this.#lastRenew = now;
    return true;
  }
}
