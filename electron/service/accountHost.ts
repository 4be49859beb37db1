// One running adapter per account: creates it from the stored settings, gives it its own slice of
// the store as key-value state, and forwards its events to the service.

import type { AdapterEvent, ConnectionState, Logger, ProtocolAdapter } from '../../protocols/adapter';
import type { AccountRow, Store } from '../store/types';
import { createAdapter, type AdapterTuning } from './networks';
import { adapterStateFor } from './adapterState';
import type { SecretBox } from './secretBox';

export interface StoredSettings {
  /** Sealed with the SecretBox. */
  password: string;
  host?: string;
  port?: number;
  trustedCa?: string;
  /** A SOCKS5 proxy; its password sealed like the account's. */
  proxy?: { host: string; port: number; username?: string; password?: string };
}

interface Running {
  adapter: ProtocolAdapter;
  unsubscribe: () => void;
}

export class AccountHost {
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly deps: {
      store: Store;
      secrets: SecretBox;
      tuning: AdapterTuning;
      log: Logger & { child(fields: Record<string, unknown>): Logger };
      trustedCa?: string;
      onEvent(accountId: string, event: AdapterEvent): void;
      /** Whether the user accepted the account's chat with this address (see AdapterContext). */
      isAccepted(accountId: string, chat: string): boolean;
    },
  ) {}

  adapter(accountId: string): ProtocolAdapter | undefined {
    return this.running.get(accountId)?.adapter;
  }

  isRunning(accountId: string): boolean {
    return this.running.has(accountId);
  }

  state(accountId: string): ConnectionState {
    return this.running.get(accountId)?.adapter.state ?? { kind: 'offline', reason: 'stopped', detail: 'Not started' };
  }

  /** Creates the account's adapter (without connecting) and returns it. */
  load(row: AccountRow): ProtocolAdapter {
    const existing = this.running.get(row.id);
    if (existing) return existing.adapter;
    const settings = JSON.parse(row.settingsJson) as StoredSettings;
    const { store, secrets } = this.deps;
    const proxy = settings.proxy;
    const adapter = createAdapter(
      row.network,
      {
        address: row.address,
        password: secrets.open(settings.password),
        ...(settings.host ? { host: settings.host } : {}),
        ...(settings.port ? { port: settings.port } : {}),
        ...(this.deps.trustedCa ? { trustedCa: this.deps.trustedCa } : {}),
        ...(proxy
          ? {
              proxy: {
                host: proxy.host,
                port: proxy.port,
                ...(proxy.username ? { username: proxy.username } : {}),
                ...(proxy.password ? { password: secrets.open(proxy.password) } : {}),
              },
            }
          : {}),
      },
      {
        log: this.deps.log.child({ accountId: row.id, network: row.network, address: row.address }),
        now: () => Date.now(),
        state: adapterStateFor(store, secrets, row.id, row.network),
        isAccepted: (chat) => this.deps.isAccepted(row.id, chat),
      },
      this.deps.tuning,
    );
    const unsubscribe = adapter.onEvent((event) => this.deps.onEvent(row.id, event));
    this.running.set(row.id, { adapter, unsubscribe });
    return adapter;
  }

  async connect(accountId: string): Promise<void> {
    const adapter = this.adapter(accountId);
    if (!adapter) return;
    try {
      await adapter.connect();
    } catch (err) {
      // The adapter reports its own state; a rejected connect is already an offline state event.
      this.deps.log.warn('connect failed', { accountId, error: err instanceof Error ? err.message : String(err) });
    }
  }

  async stop(accountId: string): Promise<void> {
    const running = this.running.get(accountId);
    if (!running) return;
    this.running.delete(accountId);
    try {
      await running.adapter.disconnect();
    } finally {
      running.unsubscribe();
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)));
  }
}
