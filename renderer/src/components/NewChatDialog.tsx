import { type FormEvent, useState } from 'react';
import { useApp } from '../state/store';
import { actions } from '../state/app';
import { Dialog, DialogError, DialogFooter } from './Dialog';
import { Field, TextField } from './Field';

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
          <Field label="Account">
            <select value={accountId} onChange={(e) => setChosen(e.target.value)}>
              {list.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.address} ({a.networkName})
                </option>
              ))}
            </select>
          </Field>
        )}
        <TextField label="Address" type="text" required placeholder="friend@example.org" value={address} onChange={setAddress} autoFocus />
        <DialogError message={error} />
        <DialogFooter onCancel={onClose} action={{ label: 'Start chat', tone: 'primary', disabled: busy || accountId === undefined }} />
      </form>
    </Dialog>
  );
}
