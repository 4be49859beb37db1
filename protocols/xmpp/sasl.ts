// SASL authentication (RFC 6120 §6) with SCRAM only: the password itself never leaves the machine,
// and the server must prove it knows the account's keys.
import xml, { type Element } from '@xmpp/xml';
import { FatalConnectionError } from './errors.js';
import { SCRAM_MECHANISMS, ScramClient } from './scram.js';

export const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';

/** A <failure/> from the server; `condition` is e.g. 'not-authorized'. */
export class SaslError extends Error {
  constructor(readonly condition: string, text: string) {
    super(text ? `${condition} - ${text}` : condition);
    this.name = 'SASLError';
  }
}

/** Sends `request` and resolves with the next SASL element from the server. */
export type SaslExchange = (request: Element) => Promise<Element>;

export async function authenticate(mechanismsFeature: Element, username: string, password: string, domain: string, exchange: SaslExchange): Promise<void> {
  const offered = new Set(mechanismsFeature.getChildren('mechanism', NS_SASL).map((m) => m.text().trim()));
  const mechanism = SCRAM_MECHANISMS.find((m) => offered.has(m.name));
  if (!mechanism) {
    throw new FatalConnectionError('protocol-error', `${domain} offers no SCRAM login (only ${[...offered].join(', ') || 'nothing'}).`);
  }
  const scram = new ScramClient(mechanism.hash, username, password);
  const encode = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  const decode = (el: Element): string => Buffer.from(el.text(), 'base64').toString('utf8');

  let answer = await exchange(xml('auth', { xmlns: NS_SASL, mechanism: mechanism.name }, encode(scram.first())));
  if (answer.is('challenge', NS_SASL)) {
    const response = await scram.final(decode(answer));
    answer = await exchange(xml('response', { xmlns: NS_SASL }, encode(response)));
  }
  if (answer.is('failure', NS_SASL)) {
    const condition = answer.getChildElements().find((c) => c.name !== 'text')?.name ?? 'not-authorized';
    throw new SaslError(condition, answer.getChildText('text') ?? '');
  }
  if (!answer.is('success', NS_SASL) || !scram.verify(decode(answer))) {
    throw new FatalConnectionError('protocol-error', `${domain} could not prove that it knows the account's password (SCRAM server signature missing or wrong).`);
  }
}
