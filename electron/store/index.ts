// The store's public face: open it, and the types the service works with.
export { openStore, type OpenStoreOptions } from './store';
export { SchemaTooNewError } from './migrate';
export type * from './types';
