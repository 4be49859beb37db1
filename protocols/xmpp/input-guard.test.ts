import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, MAX_STANZA_BYTES, XmlInputGuard } from './input-guard.js';

const HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='localhost' id='x' version='1.0'>";

/** Feeds `chunks` in order; returns what reached the parser, or the violation. */
function feed(...chunks: Array<string | Buffer>): { text: string; violation: string | null } {
  const guard = new XmlInputGuard();
  let text = '';
  for (const chunk of chunks) {
    const result = guard.push(chunk);
    if (!result.ok) return { text, violation: result.violation };
    text += result.text;
  }
  return { text, violation: null };
}

describe('XML input guard', () => {
  it('passes a normal stream through unchanged, minus whitespace between stanzas', () => {
    const stanza = "<message from='a@b/c' id = \"1\" ><body>x &lt; y > z <![CDATA[<b>]]></body><x:y a:b='v'\n/></message >";
    const result = feed(HEADER, '\n  ', stanza, ' ', '<presence/>');
    expect(result.violation).toBeNull();
    expect(result.text).toBe(HEADER + stanza + '<presence/>');
  });

  it('handles tags, attributes and multi-byte characters split across chunks', () => {
    const stanza = Buffer.from("<message id='a>b'><body>héllo 👋</body></message>");
    const chunks = [Buffer.from(HEADER), ...Array.from(stanza, (byte) => Buffer.from([byte]))];
    const result = feed(...chunks);
    expect(result.violation).toBeNull();
    expect(result.text).toBe(HEADER + stanza.toString('utf8'));
  });

  it.each([
    ['a DOCTYPE', "<?xml version='1.0'?><!DOCTYPE lol [<!ENTITY lol 'lol'>]><stream:stream>", /DOCTYPE/],
    ['an entity declaration inside a stanza', HEADER + '<message><!ENTITY x "y"></message>', /entity declaration/],
    ['a processing instruction in a stanza', HEADER + "<message><?php echo 1 ?></message>", /processing instruction/],
    ['a second XML declaration', HEADER + "<?xml version='1.0'?>", /processing instruction/],
    ['a comment', HEADER + '<message><!-- hi --></message>', /comment/],
    ['text outside any stanza', HEADER + 'garbage', /text outside/],
    // ltx would skip from here to the next '=' (past '>'), so guard and parser would disagree on depth.
    ['an attribute without a value', HEADER + '<message b ><x/></message>', /malformed attribute/],
    ['a < inside an attribute value', HEADER + "<message a='<'/>", /malformed attribute/],
    ['an attribute in an end tag', HEADER + "<message></message x='1'>", /malformed end tag/],
    ['a tag that starts with a digit-less symbol', HEADER + '<%message/>', /malformed tag/],
  ])('refuses %s', (_name, input, reason) => {
    const result = feed(input);
    expect(result.violation, 'the guard let forbidden XML through').toMatch(reason);
  });

  it(`refuses nesting deeper than ${MAX_DEPTH}, but not ${MAX_DEPTH}`, () => {
    const nested = (n: number): string => '<a>'.repeat(n) + '</a>'.repeat(n);
    expect(feed(HEADER, '<message>' + nested(MAX_DEPTH - 2) + '</message>').violation).toBeNull();
    expect(feed(HEADER, '<message>' + nested(MAX_DEPTH - 1) + '</message>').violation).toMatch(/nested deeper/);
  });

  it('refuses a stanza over the size cap even when it never ends, without buffering it', () => {
    const guard = new XmlInputGuard();
    expect(guard.push(HEADER).ok).toBe(true);
    expect(guard.push('<message><body>').ok).toBe(true);
    const chunk = 'x'.repeat(64 * 1024);
    let result = guard.push(chunk);
    let sent = chunk.length;
    while (result.ok && sent < 2 * MAX_STANZA_BYTES) {
      result = guard.push(chunk);
      sent += chunk.length;
    }
    expect(result.ok, 'an endless stanza was never refused').toBe(false);
    expect(sent).toBeLessThanOrEqual(MAX_STANZA_BYTES + chunk.length);
    expect(guard.push('<presence/>').ok, 'a refused stream must stay refused').toBe(false);
  });

  it('counts the size per stanza, so a long stream of small stanzas is fine', () => {
    const guard = new XmlInputGuard();
    guard.push(HEADER);
    const stanza = `<message><body>${'y'.repeat(1000)}</body></message>`;
    for (let i = 0; i < 1000; i++) expect(guard.push(stanza).ok).toBe(true);
  });

  it('refuses an oversized start tag (attribute flood)', () => {
    const result = feed(HEADER, `<message a='${'z'.repeat(MAX_STANZA_BYTES)}'>`);
    expect(result.violation).toMatch(/larger than/);
  });

  it('starts over after reset(), as on a stream restart', () => {
    const guard = new XmlInputGuard();
    expect(guard.push(HEADER).ok).toBe(true);
    guard.reset();
    expect(guard.push(HEADER).ok, 'the new stream header was refused after reset').toBe(true);
  });
});
