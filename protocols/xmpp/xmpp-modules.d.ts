// Minimal types for the parts of xmpp.js 0.14 (which ships no types) that this adapter uses.
// Only what protocols/xmpp calls is declared; widen it when you use more.

declare module '@xmpp/xml' {
  export class Element {
    constructor(name: string, attrs?: Record<string, string | number | undefined>);
    name: string;
    attrs: Record<string, string | undefined>;
    children: Array<Element | string>;
    parent: Element | null;
    is(name: string, xmlns?: string): boolean;
    getNS(): string | undefined;
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildren(name: string, xmlns?: string): Element[];
    getChildElements(): Element[];
    getChildText(name: string, xmlns?: string): string | null;
    text(): string;
    append(...children: Array<Element | string>): Element;
    toString(): string;
  }
  type Child = Element | string | undefined | null | false;
  function xml(name: string, attrs?: Record<string, string | number | undefined> | null, ...children: Array<Child | Child[]>): Element;
  namespace xml {
    export { Element };
  }
  export default xml;
}

declare module '@xmpp/client-core' {
  import type { EventEmitter } from 'node:events';
  import type { Element } from '@xmpp/xml';

  export interface Jid {
    local: string;
    domain: string;
    resource: string;
    bare(): Jid;
    toString(): string;
  }

  /** The socket the connection currently reads from: a net.Socket, or the TLS wrapper after STARTTLS. */
  export interface XmppSocket extends EventEmitter {
    secure?: boolean;
    end(): void;
    write(data: string, cb?: (err?: Error) => void): void;
  }

  export class Client extends EventEmitter {
    constructor(options: { domain: string; lang?: string; service?: string; timeout?: number });
    jid: Jid | null;
    status: string;
    socket: XmppSocket | null;
    options: { domain: string; lang?: string; service?: string };
    transports: unknown[];
    /** The ltx-based @xmpp/xml Parser of the current stream, null between streams. */
    parser: { write(text: string): void } | null;
    root: Element | null;
    isSecure(): boolean;
    connect(service: string): Promise<void>;
    open(options: { domain: string; lang?: string }): Promise<Element>;
    restart(): Promise<Element>;
    disconnect(): Promise<void>;
    send(element: Element): Promise<void>;
    sendMany(elements: Element[]): Promise<void>;
    write(data: string): Promise<void>;
    /** Internal, but the documented way for a stream feature to swap the socket (see @xmpp/starttls). */
    _attachSocket(socket: XmppSocket): void;
    /** Internal: feeds socket bytes to the parser; replaced to put the input guard in front. */
    _onData(data: Buffer | string): void;
    _jid(id: string): Jid;
    _ready(resumed?: boolean): void;
  }
  export function jid(address: string): Jid;
}

declare module '@xmpp/tcp' {
  import type { Client } from '@xmpp/client-core';
  export default function tcp(args: { entity: Client }): void;
}

declare module '@xmpp/tls/lib/Socket.js' {
  import { EventEmitter } from 'node:events';
  import type { ConnectionOptions, TLSSocket } from 'node:tls';
  import type { XmppSocket } from '@xmpp/client-core';
  /** Wraps a TLSSocket for @xmpp/connection: re-emits 'connect' on secureConnect, plus data/close/error. */
  export default class Socket extends EventEmitter implements XmppSocket {
    socket: TLSSocket | null;
    secure: boolean;
    connect(options: ConnectionOptions): void;
    end(): void;
    write(data: string, cb?: (err?: Error) => void): void;
  }
}

declare module '@xmpp/middleware' {
  import type { Client } from '@xmpp/client-core';
  import type { Element } from '@xmpp/xml';
  export interface Context {
    stanza: Element;
    entity: Client;
    name: string;
    id: string;
    type: string;
    element?: Element;
  }
  export type Next = () => Promise<unknown>;
  export type Handler = (ctx: Context, next: Next) => unknown;
  export interface Middleware {
    use(fn: Handler): Handler;
    filter(fn: Handler): Handler;
  }
  export default function middleware(args: { entity: Client }): Middleware;
}

declare module '@xmpp/stream-features' {
  import type { Middleware, Context, Next } from '@xmpp/middleware';
  import type { Element } from '@xmpp/xml';
  export interface StreamFeatures {
    use(name: string, xmlns: string, handler: (ctx: Context, next: Next, feature: Element) => unknown): void;
  }
  export default function streamFeatures(args: { middleware: Middleware }): StreamFeatures;
}

declare module '@xmpp/iq/caller.js' {
  import type { Client } from '@xmpp/client-core';
  import type { Middleware } from '@xmpp/middleware';
  import type { Element } from '@xmpp/xml';
  export interface IqCaller {
    /** Resolves with the whole <iq type='result'/>; rejects with a StanzaError on type='error'. */
    request(stanza: Element, timeout?: number): Promise<Element>;
  }
  export default function iqCaller(args: { middleware: Middleware; entity: Client }): IqCaller;
}

declare module '@xmpp/iq/callee.js' {
  import type { Client } from '@xmpp/client-core';
  import type { Middleware, Context, Next } from '@xmpp/middleware';
  import type { Element } from '@xmpp/xml';
  type IqHandler = (ctx: Context, next: Next) => Element | boolean | undefined | Promise<Element | boolean | undefined>;
  export interface IqCallee {
    get(ns: string, name: string, handler: IqHandler): void;
    set(ns: string, name: string, handler: IqHandler): void;
  }
  export default function iqCallee(args: { middleware: Middleware; entity: Client }): IqCallee;
}
