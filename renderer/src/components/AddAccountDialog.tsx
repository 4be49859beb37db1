import { type FormEvent, useState } from 'react';
import { actions } from '../state/app';
import { Dialog, DialogError, DialogFooter } from './Dialog';
import { Field, FieldRow, TextField } from './Field';

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
        <Field label="Network">
          <select value={network} onChange={(e) => setNetwork(e.target.value as 'xmpp' | 'interop')}>
            <option value="xmpp">XMPP</option>
            <option value="interop">Interop</option>
          </select>
        </Field>
        {network === 'interop' && (
          <p className="field-hint">
            Use the address and credentials your provider issued for interoperability, and the gatekeeper’s server. The
            account stays disconnected until interoperability is turned on in Settings.
          </p>
        )}
        <TextField
          label="Address"
          type="text"
          required
          autoComplete="username"
          placeholder={network === 'interop' ? 'the address your provider issued' : 'name@example.org'}
          value={address}
          onChange={setAddress}
          autoFocus
        />
        <TextField label="Password" type="password" required autoComplete="current-password" value={password} onChange={setPassword} />
        <FieldRow>
          <TextField
            label="Server host"
            className="grow"
            hint="Optional"
            type="text"
            placeholder={network === 'interop' ? 'the gatekeeper’s server' : 'from the address'}
            value={host}
            onChange={setHost}
          />
          <TextField
            label="Port"
            className="port"
            hint="Optional"
            type="number"
            inputMode="numeric"
            min={1}
            max={65535}
            placeholder="5222"
            value={port}
            onChange={setPort}
          />
        </FieldRow>
        <label className="check-row">
          <input type="checkbox" checked={useProxy} onChange={(e) => setUseProxy(e.target.checked)} />
          <span>Connect through a SOCKS5 proxy</span>
        </label>
        {useProxy && (
          <>
            <FieldRow>
              <TextField label="Proxy host" className="grow" type="text" required placeholder="127.0.0.1" value={proxyHost} onChange={setProxyHost} />
              <TextField
                label="Proxy port"
                className="port"
                type="number"
                inputMode="numeric"
                required
                min={1}
                max={65535}
                placeholder="1080"
                value={proxyPort}
                onChange={setProxyPort}
              />
            </FieldRow>
            <FieldRow>
              <TextField label="Proxy user name" className="grow" type="text" autoComplete="off" value={proxyUsername} onChange={setProxyUsername} />
              <TextField label="Proxy secret" className="grow" type="password" autoComplete="off" value={proxyPassword} onChange={setProxyPassword} />
            </FieldRow>
            <p className="field-hint">
              The proxy sees which server you connect to; the server then sees the proxy’s IP address instead of yours.
            </p>
          </>
        )}
        <DialogError message={error} />
        <DialogFooter onCancel={onClose} action={{ label: 'Add', tone: 'primary', disabled: busy }} />
      </form>
    </Dialog>
  );
}
