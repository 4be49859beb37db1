// The interop channel (PROTOCOL.md): `new InteropAdapter(settings, ctx, options)`.
export { InteropAdapter, INTEROP_INFO, type InteropAdapterOptions } from './interop-adapter.js';
export { INTEROP_SECURITY } from './chats.js';
export { SignalChannel } from './signal-channel.js';
export { encodeEnvelope, decodeEnvelope, type Envelope } from './envelope.js';
