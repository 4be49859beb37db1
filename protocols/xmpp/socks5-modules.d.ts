// Types for the one more part of xmpp.js 0.14 that socks5-transport.ts uses (see xmpp-modules.d.ts).

declare module '@xmpp/tcp/lib/Connection.js' {
  /** @xmpp/tcp's transport for xmpp:// services; @xmpp/connection creates its sockets with `new Socket()`. */
  export default class ConnectionTCP {
    Socket: new () => unknown;
  }
}
