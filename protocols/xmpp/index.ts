// The XMPP protocol adapter: `new XmppAdapter(settings, ctx, { reconnect: { baseMs, maxMs } })`.
export { XmppAdapter, XMPP_INFO, type XmppAdapterOptions } from './xmpp-adapter.js';
