/**
 * How many requests of one kind each client has running, capped at `max` per client.
 *
 * @example
 * const slots = new ClientSlots(3);
 * if (!slots.take(req.ip)) throw new HttpError(429, …);
 * try { … } finally { slots.release(req.ip); }
 */
export class ClientSlots {
  private readonly running = new Map<string, number>();
  constructor(readonly max: number) {}

  /** Count one more request of `client`; false (nothing counted) when it already has `max`. */
  take(client: string): boolean {
    const n = this.running.get(client) ?? 0;
    if (n >= this.max) return false;
    this.running.set(client, n + 1);
    return true;
  }

  release(client: string): void {
    const n = (this.running.get(client) ?? 0) - 1;
    if (n > 0) this.running.set(client, n);
    else this.running.delete(client);
  }

  /** Requests `client` has running now. */
  count(client: string): number {
    return this.running.get(client) ?? 0;
  }
}
