import { type FormEvent, useState } from 'react';
import { actions } from '../state/app';
import { Dialog } from './Dialog';

interface Props {
  onClose: () => void;
}

export function AddAccountDialog({ onClose }: Props) {
  const [network, setNetwork] = useState<'xmpp'>('xmpp');
  const [address, setAddress] = useState('');
  const [password, setPassword] = useState('');
  const [host, setHost] = useState('');
  const [port, setPort] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const portNumber = port.trim() === '' ? undefined : Number(port);
    if (portNumber !== undefined && (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535)) {
      setError('The port must be a number from 1 to 65535.');
      return;
    }
    setBusy(true);
    setError(null);
    const result = await actions.addAccount({
      network,
      address: address.trim(),
      password,
      ...(host.trim() !== '' ? { host: host.trim() } : {}),
      ...(portNumber !== undefined ? { port: portNumber } : {}),
    });
    setBusy(false);
    if (result.ok) onClose();
    else setError(result.error.message);
  }

  return (
    <Dialog title="Add account" onClose={onClose}>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <label className="field">
          <span className="field-label">Network</span>
          <select value={network} onChange={(e) => setNetwork(e.target.value as 'xmpp')}>
            <option value="xmpp">XMPP</option>
          </select>
        </label>
        <label className="field">
          <span className="field-label">Address</span>
          <input
            type="text"
            required
            autoComplete="username"
            placeholder="name@example.org"
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            autoFocus
          />
        </label>
        <label className="field">
          <span className="field-label">Password</span>
          <input
            type="password"
            required
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <div className="field-row">
          <div className="field grow">
            <label className="field-label" htmlFor="add-account-host">
              Server host
            </label>
            <input
              id="add-account-host"
              type="text"
              aria-describedby="add-account-host-hint"
              placeholder="from the address"
              value={host}
              onChange={(e) => setHost(e.target.value)}
            />
            <span id="add-account-host-hint" className="field-hint">
              Optional
            </span>
          </div>
          <div className="field port">
            <label className="field-label" htmlFor="add-account-port">
              Port
            </label>
            <input
              id="add-account-port"
              type="number"
              inputMode="numeric"
              min={1}
              max={65535}
              aria-describedby="add-account-port-hint"
              placeholder="5222"
              value={port}
              onChange={(e) => setPort(e.target.value)}
            />
            <span id="add-account-port-hint" className="field-hint">
              Optional
            </span>
          </div>
        </div>
        {error !== null && (
          <p role="alert" className="form-error">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={busy}>
            Add
          </button>
        </div>
      </form>
    </Dialog>
  );
}
