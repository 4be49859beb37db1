// The renderer's only view of the core: the contract's types (type-only, erased at build time) and
// the `window.switchboard` object the preload (Electron) or the browser bridge installs.
import type { SwitchboardApi } from '../../electron/api/contract';

export type {
  AccountView,
  ChatView,
  CoreEvent,
  Cursor,
  ErrorCode,
  MessageKind,
  MessagesPage,
  MessageStatus,
  RequestState,
  SafetyNumberView,
  Settings,
  MessageView,
  Method,
  Params,
  Result,
  Results,
  SearchResult,
  Snapshot,
  SwitchboardApi,
} from '../../electron/api/contract';
export type { ConnectionState, SecuritySummary } from '../../protocols/adapter';

interface WindowWithApi {
  switchboard?: SwitchboardApi;
}

/** The API object, or undefined before a bridge is installed. */
export function findApi(): SwitchboardApi | undefined {
  return (window as unknown as WindowWithApi).switchboard;
}

export function installApi(api: SwitchboardApi): void {
  (window as unknown as WindowWithApi).switchboard = api;
}

/** The API object; the entry point installs one before anything renders. */
export function api(): SwitchboardApi {
  const found = findApi();
  if (!found) throw new Error('window.switchboard is missing: no preload and no browser bridge.');
  return found;
}
