import { type FormEvent, useState } from 'react';
import { actions } from '../state/app';
import { Dialog } from './Dialog';

interface Props {
  onClose: () => void;
}

export function AddAccountDialog({ onClose }: Props) {
  const [network, setNetwork] = useState<'xmpp' | 'interop'>('xmpp');
  const [address, setAddress] = useState('');
  const [password, setPassword] = useState('');
  const [host, setHost] = useState('');
  const [port, setPort] = useState('');
  const [useProxy, setUseProxy] = useState(false);
  const [proxyHost, setProxyHost] = useState('');
  const [proxyPort, setProxyPort] = useState('');
  const [proxyUsername, setProxyUsername] = useState('');
  const [proxyPassword, setProxyPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const portNumber = port.trim() === '' ? undefined : Number(port);
    if (portNumber !== undefined && (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535)) {
      setError('The port must be a number from 1 to 65535.');
      return;
    }
    const proxyPortNumber = Number(proxyPort);
    if (useProxy && (proxyHost.trim() === '' || !Number.isInteger(proxyPortNumber) || proxyPortNumber < 1 || proxyPortNumber > 65535)) {
      setError('A proxy needs a host and a port from 1 to 65535.');
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
      ...(useProxy
        ? {
            proxyHost: proxyHost.trim(),
            proxyPort: proxyPortNumber,
            ...(proxyUsername !== '' ? { proxyUsername } : {}),
            ...(proxyPassword !== '' ? { proxyPassword } : {}),
          }
        : {}),
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
          <select value={network} onChange={(e) => setNetwork(e.target.value as 'xmpp' | 'interop')}>
            <option value="xmpp">XMPP</option>
            <option value="interop">Interop</option>
          </select>
        </label>
        {network === 'interop' && (
          <p className="field-hint">
            Use the address and credentials your provider issued for interoperability, and the gatekeeper’s server. The
            account stays disconnected until interoperability is turned on in Settings.
          </p>
        )}
        <label className="field">
          <span className="field-label">Address</span>
          <input
            type="text"
            required
            autoComplete="username"
            placeholder={network === 'interop' ? 'the address your provider issued' : 'name@example.org'}
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
              placeholder={network === 'interop' ? 'the gatekeeper’s server' : 'from the address'}
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
        <label className="check-row">
          <input type="checkbox" checked={useProxy} onChange={(e) => setUseProxy(e.target.checked)} />
          <span>Connect through a SOCKS5 proxy</span>
        </label>
        {useProxy && (
          <>
            <div className="field-row">
              <label className="field grow">
                <span className="field-label">Proxy host</span>
                <input type="text" required placeholder="127.0.0.1" value={proxyHost} onChange={(e) => setProxyHost(e.target.value)} />
              </label>
              <label className="field port">
                <span className="field-label">Proxy port</span>
                <input
                  type="number"
                  inputMode="numeric"
                  required
                  min={1}
                  max={65535}
                  placeholder="1080"
                  value={proxyPort}
                  onChange={(e) => setProxyPort(e.target.value)}
                />
              </label>
            </div>
            <div className="field-row">
              <label className="field grow">
                <span className="field-label">Proxy user name</span>
                <input type="text" autoComplete="off" value={proxyUsername} onChange={(e) => setProxyUsername(e.target.value)} />
              </label>
              <label className="field grow">
                <span className="field-label">Proxy secret</span>
                <input type="password" autoComplete="off" value={proxyPassword} onChange={(e) => setProxyPassword(e.target.value)} />
              </label>
            </div>
            <p className="field-hint">
              The proxy sees which server you connect to; the server then sees the proxy’s IP address instead of yours.
            </p>
          </>
        )}
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
