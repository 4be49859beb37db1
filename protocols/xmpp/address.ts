// JID handling: the canonical form of an address is the bare JID with local part and domain in
// lower case (a simplification of RFC 7622's PRECIS profiles, enough for the servers we meet).

const MAX_PART = 1023;

/** The canonical bare JID for `address`, or an Error that says what is wrong with it. */
export function normalizeAddress(address: string): string {
  const trimmed = address.trim();
  if (!trimmed) throw new Error('The address is empty: enter an address like name@example.org.');
  const withoutResource = trimmed.split('/')[0] ?? '';
  const at = withoutResource.indexOf('@');
  if (at !== withoutResource.lastIndexOf('@')) {
    throw new Error(`"${address}" has more than one @: an XMPP address looks like name@example.org.`);
  }
  const local = at >= 0 ? withoutResource.slice(0, at) : '';
  const domain = (at >= 0 ? withoutResource.slice(at + 1) : withoutResource).toLowerCase().replace(/\.$/, '');
  if (at >= 0 && !local) throw new Error(`"${address}" has nothing before the @.`);
  if (!domain) throw new Error(`"${address}" has no server after the @.`);
  if (/[\s"&'/:<>@]/.test(local)) {
    throw new Error(`"${address}" contains a character not allowed before the @ (spaces, quotes, &, /, :, <, >).`);
  }
  if (!/^[\p{L}\p{N}.-]+$/u.test(domain) && !/^\[[0-9a-f:.]+\]$/.test(domain)) {
    throw new Error(`"${domain}" is not a valid server name.`);
  }
  if (local.length > MAX_PART || domain.length > MAX_PART) throw new Error(`"${address}" is too long.`);
  return local ? `${local.toLowerCase()}@${domain}` : domain;
}

/** The bare part of a (possibly full) JID, lower-cased; '' for a missing one. Never throws. */
export function bareOf(jid: string | undefined): string {
  if (!jid) return '';
  const bare = jid.split('/')[0] ?? '';
  return bare.toLowerCase();
}

/** The network id of a message: the sender's bare JID and the stanza id, so a sender can only ever name its own messages. */
export function networkIdOf(senderBare: string, id: string): string {
  return `${senderBare}/${id}`;
}

/** The stanza id part of a networkId made by networkIdOf. */
export function stanzaIdOf(networkId: string): string {
  const slash = networkId.indexOf('/');
  return slash >= 0 ? networkId.slice(slash + 1) : networkId;
}
