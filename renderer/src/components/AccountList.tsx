import { useState } from 'react';
import type { AccountView } from '../api';
import { connectionText } from '../format';
import { actions } from '../state/app';
import { useApp } from '../state/store';
import { useNow } from '../useNow';
import { RemoveAccountDialog } from './RemoveAccountDialog';

function AccountRow({ account, onRemove }: { account: AccountView; onRemove: () => void }) {
  // Ticks every second only matter while a countdown is shown, but are cheap enough for all rows.
  const now = useNow(1000);
  const text = connectionText(account.state, now);
  const interopOff = useApp((s) => account.network === 'interop' && !(s.settings?.interopEnabled ?? false));
  // An interop account waits for the setting, not for a retry.
  const canReconnect = !interopOff && (account.state.kind === 'offline' || account.state.kind === 'reconnecting');
  return (
    <li className="account">
      <span className={`status-dot ${text.tone}`} aria-hidden="true" />
      <div className="account-text">
        <div className="account-address" title={account.address}>
          {account.address}
        </div>
        <div className="account-meta">
          <span className="badge">{account.networkName}</span>{' '}
          <span className={`account-state ${text.tone}`}>{text.label}</span>
        </div>
        {text.detail !== null && <div className="account-detail">{text.detail}</div>}
      </div>
      <div className="account-actions">
        {canReconnect && (
          <button
            type="button"
            className="icon-button"
            aria-label={`Reconnect ${account.address}`}
            title="Reconnect now"
            onClick={() => actions.reconnectAccount(account.id)}
          >
            ↻
          </button>
        )}
        <button
          type="button"
          className="icon-button"
          aria-label={`Remove account ${account.address}`}
          title="Remove account"
          onClick={onRemove}
        >
          ×
        </button>
      </div>
    </li>
  );
}

export function AccountList() {
  const accounts = useApp((s) => s.accounts);
  const [removing, setRemoving] = useState<string | null>(null);
  const list = Object.values(accounts).sort((a, b) => a.address.localeCompare(b.address));
  const target = removing !== null ? accounts[removing] : undefined;
  if (list.length === 0) return null;
  return (
    <section className="accounts" aria-label="Accounts">
      <ul className="account-list">
        {list.map((a) => (
          <AccountRow key={a.id} account={a} onRemove={() => setRemoving(a.id)} />
        ))}
      </ul>
      {target && <RemoveAccountDialog account={target} onClose={() => setRemoving(null)} />}
    </section>
  );
}
