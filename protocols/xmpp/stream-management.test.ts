import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import xml, { type Element } from '@xmpp/xml';
import type { Client } from '@xmpp/client-core';
import { NS_SM, StreamManagement } from './stream-management.js';

/** The two things StreamManagement uses of a connection: send/sendMany and the 'element' event. */
class RecordingEntity extends EventEmitter {
  readonly sent: Element[] = [];
  async send(element: Element): Promise<void> {
    this.sent.push(element);
  }
  async sendMany(elements: Element[]): Promise<void> {
    this.sent.push(...elements);
  }
}

function setup(): { sm: StreamManagement; entity: RecordingEntity } {
  const sm = new StreamManagement({ ackTimeoutMs: 1_000, onDead: () => {} });
  const entity = new RecordingEntity();
  sm.attach(entity as unknown as Client);
  return { sm, entity };
}

const message = (id: string): Element => xml('message', { from: 'bob@localhost/x', id }, xml('body', {}, 'hi'));

describe('stream management (XEP-0198)', () => {
  it('counts stanzas that arrive in the same read as <enabled/> (the @xmpp/client 0.14.0 race)', async () => {
    const { sm, entity } = setup();
    const enabling = sm.enable();
    // One socket read: the parser emits these synchronously, before any promise continuation runs.
    entity.emit('element', xml('enabled', { xmlns: NS_SM, id: 'abc', resume: 'true' }));
    entity.emit('element', message('1'));
    entity.emit('element', message('2'));
    await enabling;
    entity.emit('element', xml('r', { xmlns: NS_SM }));
    const ack = entity.sent.find((e) => e.is('a', NS_SM));
    expect(ack?.attrs.h, 'the client must acknowledge both stanzas received right after <enabled/>').toBe('2');
    expect(sm.canResume).toBe(true);
  });

  it('resolves a send when an <a/> covers it and fails it when the connection drops first', async () => {
    const { sm, entity } = setup();
    const enabling = sm.enable();
    entity.emit('element', xml('enabled', { xmlns: NS_SM, id: 'abc', resume: 'true' }));
    await enabling;
    const first = sm.sendAcknowledged(message('m1'));
    const second = sm.sendAcknowledged(message('m2'));
    let firstDone = false;
    void first.then(() => (firstDone = true));
    await Promise.resolve();
    expect(firstDone, 'resolved before the server acknowledged').toBe(false);
    entity.emit('element', xml('a', { xmlns: NS_SM, h: '1' }));
    await first;
    sm.detach('connection lost');
    await expect(second).rejects.toThrow('connection lost');
  });
});
