// Each account's slice of the store as the adapter's key-value state. The interop adapter keeps
// its Signal identity key, prekeys and sessions there, so for interop accounts every value is
// sealed with the SecretBox (the key the OS protects, or the profile's key file) before it reaches
// SQLite, and opened on read. Keys stay plain: they name records ("session:<address>.<device>"),
// and the adapter needs to find them.

import type { AdapterState, NetworkId } from '../../protocols/adapter';
import type { Store } from '../store/types';
import type { SecretBox } from './secretBox';

/** Networks whose adapter state holds secrets (private keys, ratchet state). */
const SEALED_NETWORKS: ReadonlySet<NetworkId> = new Set(['interop']);

export function adapterStateFor(store: Store, secrets: SecretBox, accountId: string, network: NetworkId): AdapterState {
  if (!SEALED_NETWORKS.has(network)) {
    return {
      get: (key) => store.getAdapterState(accountId, key),
      set: (key, value) => store.setAdapterState(accountId, key, value),
      delete: (key) => store.deleteAdapterState(accountId, key),
    };
  }
  return {
    get: (key) => {
      const sealed = store.getAdapterState(accountId, key);
      return sealed === undefined ? undefined : secrets.open(sealed);
    },
    set: (key, value) => store.setAdapterState(accountId, key, secrets.seal(value)),
    delete: (key) => store.deleteAdapterState(accountId, key),
  };
}
