// Names on the wire for the interop channel. PROTOCOL.md is the spec; change both together.
export const NS_INTEROP = 'urn:switchboard:interop:0';

export const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';
export const NS_PUBLISH_OPTIONS = 'http://jabber.org/protocol/pubsub#publish-options';

/** PEP node holding the account's device list (one item, id "current"). */
export const DEVICES_NODE = `${NS_INTEROP}:devices`;
/** PEP node holding one device's bundle (one item, id "current"). */
export const bundleNode = (deviceId: number): string => `${NS_INTEROP}:bundles:${deviceId}`;
/** PEP node holding one device's one-time Kyber prekeys, one item per prekey (item id = key id). */
export const kyberNode = (deviceId: number): string => `${NS_INTEROP}:kyber:${deviceId}`;

/** The one item id of single-item nodes. */
export const CURRENT = 'current';
