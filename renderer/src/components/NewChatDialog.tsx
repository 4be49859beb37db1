import { type FormEvent, useState } from 'react';
import { useApp } from '../state/store';
import { actions } from '../state/app';
import { Dialog } from './Dialog';

interface Props {
  onClose: () => void;
}

export function NewChatDialog({ onClose }: Props) {
  const accounts = useApp((s) => s.accounts);
  const list = Object.values(accounts).sort((a, b) => a.address.localeCompare(b.address));
  const [chosen, setChosen] = useState<string | null>(null);
  const [address, setAddress] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const accountId = chosen !== null && accounts[chosen] ? chosen : list[0]?.id;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (accountId === undefined) return;
    setBusy(true);
    setError(null);
    const result = await actions.startChat(accountId, address.trim());
    setBusy(false);
    if (result.ok) onClose();
    else setError(result.error.message);
  }

  return (
    <Dialog title="New chat" onClose={onClose}>
      <form className="form" onSubmit={(e) => void submit(e)}>
        {list.length === 0 && <p className="muted">Add an account first: a chat needs an account to start from.</p>}
        {list.length > 1 && (
          <label className="field">
            <span className="field-label">Account</span>
            <select value={accountId} onChange={(e) => setChosen(e.target.value)}>
              {list.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.address} ({a.networkName})
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field">
          <span className="field-label">Address</span>
          <input
            type="text"
            required
            placeholder="friend@example.org"
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            autoFocus
          />
        </label>
        {error !== null && (
          <p role="alert" className="form-error">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={busy || accountId === undefined}>
            Start chat
          </button>
        </div>
      </form>
    </Dialog>
  );
}
