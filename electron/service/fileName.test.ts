import { describe, expect, it } from 'vitest';
import { MAX_BYTES, numberedName, sanitizeFileName } from './fileName';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** What every sanitised name must be, whatever went in. */
function expectHarmless(out: string): void {
  expect(out).not.toBe('');
  expect(out).not.toMatch(/[/\\\0]/);
  expect(out).not.toMatch(/^\./);
  expect(out).not.toMatch(/[.\s]$/);
  expect(out).not.toMatch(/\p{Cc}/u);
  expect(bytes(out)).toBeLessThanOrEqual(MAX_BYTES);
  // Not a Windows device name, however it is dressed ("CON .txt", "nul.tar.gz").
  expect(out.split('.')[0]!.trimEnd()).not.toMatch(/^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i);
}

describe('sanitizeFileName', () => {
  it.each([
    ['../../evil.sh', 'evil.sh'],
    ['..', 'file'],
    ['.', 'file'],
    ['/etc/passwd', 'passwd'],
    ['a\\b', 'b'],
    ['C:\\Windows\\System32\\drivers\\etc\\hosts', 'hosts'],
    ['..\\..\\..\\autoexec.bat', 'autoexec.bat'],
    ['photos/', 'photos'],
    ['.bashrc', 'bashrc'],
    ['...hidden.txt', 'hidden.txt'],
    ['trailing.dots...', 'trailing.dots'],
    ['  spaced out  ', 'spaced out'],
    ['report.pdf.', 'report.pdf'],
    ['', 'file'],
    ['   ', 'file'],
    ['///', 'file'],
    ['a\0b.txt', 'ab.txt'],
    ['\0', 'file'],
    ['line\nbreak\r\tname.txt', 'linebreakname.txt'],
    ['bell\u0007\u001b[31mred.txt', 'bell[31mred.txt'],
    ['c1\u0085\u009bcontrol.txt', 'c1control.txt'],
    // Right-to-left override: shows as "invoice_fdp.exe" reversed into "…exe.pdf" on screen.
    ['invoice_\u202Efdp.exe', 'invoice_fdp.exe'],
    ['zero\u200Bwidth\uFEFF.txt', 'zerowidth.txt'],
    ['CON', '_CON'],
    ['CON.txt', '_CON.txt'],
    ['con.txt', '_con.txt'],
    ['nul.tar.gz', '_nul.tar.gz'],
    ['COM1.log', '_COM1.log'],
    ['LPT9', '_LPT9'],
    ['con .txt', '_con .txt'],
    ['COM1 .log', '_COM1 .log'],
    ['NUL  .tar.gz', '_NUL  .tar.gz'],
    ['console.txt', 'console.txt'],
    ['con x.txt', 'con x.txt'],
    ['what?.txt', 'what_.txt'],
    ['a<b>c:d"e|f*g.txt', 'a_b_c_d_e_f_g.txt'],
    ['résumé.pdf', 'résumé.pdf'],
    ['写真.jpg', '写真.jpg'],
    ['😀 party.png', '😀 party.png'],
    // Decomposed é (e + U+0301) is stored composed.
    ['cafe\u0301.txt', 'caf\u00e9.txt'],
  ])('%j → %j', (input, expected) => {
    const out = sanitizeFileName(input);
    expect(out).toBe(expected);
    expectHarmless(out);
  });

  it('caps a long name at 200 bytes and keeps its extension', () => {
    const out = sanitizeFileName(`${'a'.repeat(300)}.pdf`);
    expect(bytes(out)).toBe(MAX_BYTES);
    expect(out.endsWith('.pdf')).toBe(true);
    expectHarmless(out);
  });

  it('cuts multi-byte names on a character boundary, never inside one', () => {
    const out = sanitizeFileName(`${'写'.repeat(300)}.txt`);
    expect(bytes(out)).toBeLessThanOrEqual(MAX_BYTES);
    expect(out).toMatch(/^写+\.txt$/u);
    const emoji = sanitizeFileName('😀'.repeat(300));
    expect(emoji).toMatch(/^(😀)+$/u);
    expect(bytes(emoji)).toBeLessThanOrEqual(MAX_BYTES);
  });

  it('treats a huge "extension" as part of the name', () => {
    const out = sanitizeFileName(`x.${'y'.repeat(300)}`);
    expect(bytes(out)).toBeLessThanOrEqual(MAX_BYTES);
    expectHarmless(out);
  });

  it('never yields a name ending in a dot or space after cutting', () => {
    const out = sanitizeFileName(`${'a'.repeat(195)}    ${'b'.repeat(100)}.txt`);
    expectHarmless(out);
    expect(out.endsWith('.txt')).toBe(true);
  });

  it('is harmless for a spread of hostile inputs', () => {
    const pieces = ['..', '/', '\\', '.', ' ', '\0', '\u202E', 'CON', 'a', '.txt', '\n', '😀', ':', '~'];
    for (let i = 0; i < 2_000; i++) {
      let s = '';
      let x = i * 7919 + 13;
      for (let j = 0; j < 1 + (i % 9); j++) {
        x = (x * 1103515245 + 12345) % 2 ** 31;
        s += pieces[x % pieces.length];
      }
      expectHarmless(sanitizeFileName(s));
    }
  });
});

describe('numberedName', () => {
  it('numbers before the extension', () => {
    expect(numberedName('evil.sh', 1)).toBe('evil (1).sh');
    expect(numberedName('file', 2)).toBe('file (2)');
    expect(numberedName('archive.tar.gz', 3)).toBe('archive.tar (3).gz');
  });
});
