// Where a profile lives when none is given: the same folder Electron would use for "Switchboard"
// (its userData), so both modes find one set of accounts and messages.

import { homedir, platform } from 'node:os';
import { join } from 'node:path';

export function defaultProfileDir(): string {
  const home = homedir();
  switch (platform()) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Switchboard');
    case 'win32':
      return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Switchboard');
    default:
      return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Switchboard');
  }
}
