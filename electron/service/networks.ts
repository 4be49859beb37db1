// Which networks the service can host, and how to make an adapter for each. The only file of the
// core that names concrete protocols.

import type { AccountSettings, AdapterContext, NetworkId, ProtocolAdapter } from '../../protocols/adapter';
import { InteropAdapter } from '../../protocols/interop/index';
import { XmppAdapter } from '../../protocols/xmpp/index';

export interface AdapterTuning {
  /** Reconnect backoff; tests shorten it. */
  reconnect?: { baseMs: number; maxMs: number };
}

export const networkNames: Record<NetworkId, string> = {
  xmpp: 'XMPP',
  interop: 'Interop',
  irc: 'IRC',
  matrix: 'Matrix',
};

/** The network exists in Switchboard's plans but this build cannot host it yet. */
export class NetworkUnavailableError extends Error {
  constructor(readonly network: NetworkId) {
    super(`Switchboard cannot connect to ${networkNames[network]} accounts yet: this build does not include that network.`);
    this.name = 'NetworkUnavailableError';
  }
}

export function createAdapter(
  network: NetworkId,
  settings: AccountSettings,
  ctx: AdapterContext,
  tuning: AdapterTuning,
): ProtocolAdapter {
  switch (network) {
    case 'xmpp':
      return new XmppAdapter(settings, ctx, tuning.reconnect ? { reconnect: tuning.reconnect } : undefined);
    case 'interop':
      return new InteropAdapter(settings, ctx, tuning.reconnect ? { reconnect: tuning.reconnect } : undefined);
    default:
      throw new NetworkUnavailableError(network);
  }
}
