// What "Open" refuses: programs, scripts, installers, shortcuts, disk images, macro documents and
// web pages, by extension, by claimed type, or by their first bytes — and what it lets through.
import { describe, expect, it } from 'vitest';
import { sanitizeFileName } from './fileName';
import { UNSAFE_EXTENSIONS, extensionOf, isUnsafeExtension, isUnsafeMime, looksLikeProgram, refusalToOpen } from './unsafeToOpen';

const bytes = (...b: number[]) => new Uint8Array(b);
const text = (s: string) => new TextEncoder().encode(s).subarray(0, 4);
const NOTHING = new Uint8Array(0);

/** The check as "Open" makes it: on the sanitised name. */
const refused = (name: string, mime = 'application/octet-stream', head = NOTHING) =>
  refusalToOpen({ name: sanitizeFileName(name), mime, head }) !== null;

describe('refused by extension', () => {
  // The list the brief names, every one of them.
  const named = [
    'exe', 'msi', 'bat', 'cmd', 'com', 'scr', 'pif', 'cpl', 'ps1', 'psm1', 'vbs', 'vbe', 'js', 'jse', 'wsf', 'wsh', 'hta', 'jar',
    'lnk', 'url', 'reg', 'sh', 'bash', 'zsh', 'command', 'tool', 'app', 'pkg', 'dmg', 'deb', 'rpm', 'appimage', 'desktop', 'run',
    'bin', 'apk', 'py', 'pl', 'rb', 'php', 'msc', 'gadget', 'inf', 'iso', 'img', 'vhd',
  ];
  it.each(named)('.%s', (ext) => {
    expect(UNSAFE_EXTENSIONS.has(ext)).toBe(true);
    expect(refused(`file.${ext}`)).toBe(true);
    expect(refused(`FILE.${ext.toUpperCase()}`)).toBe(true);
  });

  it.each([
    'setup.exe', 'Setup.Exe', 'invoice.pdf.exe', 'photo.jpg.lnk', 'run.JS', 'x.AppImage', 'launcher.desktop', 'disk.vhdx', 'a.msix',
    'macro.docm', 'sheet.xlsm', 'addin.xll', 'page.html', 'page.HTM', 'drawing.svg', 'archive.mht', 'help.chm', 'link.webloc',
    'script.applescript', 'Start.command', 'x.dll', 'cert.cer', 'settings.settingcontent-ms', 'sandbox.wsb', 'installer.jnlp',
  ])('%s', (name) => {
    expect(refused(name)).toBe(true);
  });

  it('goes by the name the copy gets: trailing dots and spaces, bidi tricks and paths cannot hide it', () => {
    expect(refused('setup.exe.')).toBe(true);
    expect(refused('setup.exe   ')).toBe(true);
    expect(refused('../../evil.sh')).toBe(true);
    // "cod\u202Egnp.exe" shows as "codexe.png" in a right-to-left override; the sanitiser strips it.
    expect(refused('cod\u202Egnp.exe')).toBe(true);
    expect(refused('.bashrc.sh')).toBe(true);
  });

  it('reads the last extension only: a program dressed as a document is refused, a document named after one is not', () => {
    expect(extensionOf('a.tar.gz')).toBe('gz');
    expect(extensionOf('README')).toBe('');
    expect(isUnsafeExtension('report.exe.pdf')).toBe(false);
    expect(isUnsafeExtension('report.pdf.exe')).toBe(true);
  });
});

describe('refused by claimed type', () => {
  it.each([
    'application/x-msdownload', 'application/x-msdos-program', 'application/x-executable', 'application/x-elf', 'application/x-sharedlib',
    'application/x-mach-binary', 'application/x-dosexec', 'application/vnd.microsoft.portable-executable', 'application/x-ms-installer',
    'application/x-sh', 'text/x-sh', 'text/x-shellscript', 'application/x-shellscript', 'application/javascript', 'text/javascript; charset=utf-8',
    'application/x-javascript', 'text/ecmascript', 'text/jscript', 'text/vbscript', 'application/x-powershell', 'text/x-python',
    'application/x-perl', 'application/x-ruby', 'application/x-php', 'application/java-archive', 'application/x-java-jnlp-file',
    'application/vnd.android.package-archive', 'application/x-apple-diskimage', 'application/x-iso9660-image', 'application/x-debian-package',
    'application/vnd.debian.binary-package', 'application/x-rpm', 'application/x-ms-shortcut', 'application/x-mswinurl', 'application/x-desktop',
    'application/hta', 'text/html', 'application/xhtml+xml', 'image/svg+xml', 'application/vnd.ms-excel.sheet.macroEnabled.12',
    'application/vnd.ms-word.document.macroenabled.12', 'APPLICATION/X-MSDOWNLOAD', ' application/x-msdownload ; x=y',
  ])('%s', (mime) => {
    expect(isUnsafeMime(mime)).toBe(true);
    // Whatever the name says.
    expect(refused('notes.txt', mime)).toBe(true);
  });
});

describe('refused by content: a program or a script whatever it is called', () => {
  it.each([
    ['Windows PE', bytes(0x4d, 0x5a, 0x90, 0x00)],
    ['ELF', bytes(0x7f, 0x45, 0x4c, 0x46)],
    ['Mach-O 32', bytes(0xfe, 0xed, 0xfa, 0xce)],
    ['Mach-O 64', bytes(0xfe, 0xed, 0xfa, 0xcf)],
    ['Mach-O 64, little-endian', bytes(0xcf, 0xfa, 0xed, 0xfe)],
    ['Mach-O 32, little-endian', bytes(0xce, 0xfa, 0xed, 0xfe)],
    ['universal binary', bytes(0xca, 0xfe, 0xba, 0xbe)],
    ['shebang', text('#!/bin/sh')],
    ['two-byte shebang file', text('#!')],
  ])('%s', (_what, head) => {
    expect(looksLikeProgram(head)).toBe(true);
    expect(refused('holiday', 'application/octet-stream', head)).toBe(true);
    expect(refused('photo.jpg', 'image/jpeg', head)).toBe(true);
  });

  it.each([
    ['PDF', text('%PDF')],
    ['PNG', bytes(0x89, 0x50, 0x4e, 0x47)],
    ['ZIP (and docx)', bytes(0x50, 0x4b, 0x03, 0x04)],
    ['text', text('Dear')],
    ['one byte', bytes(0x4d)],
    ['empty', NOTHING],
  ])('%s is not a program', (_what, head) => {
    expect(looksLikeProgram(head)).toBe(false);
  });
});

describe('let through', () => {
  it.each([
    ['report.pdf', 'application/pdf', text('%PDF')],
    ['photo.jpg', 'image/jpeg', bytes(0xff, 0xd8, 0xff, 0xe0)],
    ['notes.txt', 'text/plain', text('Dear')],
    ['data.csv', 'text/csv', text('a,b\n')],
    ['archive.zip', 'application/zip', bytes(0x50, 0x4b, 0x03, 0x04)],
    ['letter.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes(0x50, 0x4b, 0x03, 0x04)],
    ['sheet.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', bytes(0x50, 0x4b, 0x03, 0x04)],
    ['slides.pptx', 'application/vnd.openxmlformats-officedocument.presentationml.presentation', bytes(0x50, 0x4b, 0x03, 0x04)],
    ['song.mp3', 'audio/mpeg', text('ID3\u0004')],
    ['clip.mp4', 'video/mp4', bytes(0, 0, 0, 0x20)],
    ['book.epub', 'application/epub+zip', bytes(0x50, 0x4b, 0x03, 0x04)],
    ['figure.eps', 'application/postscript', text('%!PS')],
    ['README', 'application/octet-stream', text('# Re')],
    ['design.psd', 'image/vnd.adobe.photoshop', text('8BPS')],
    ['setup.exe.pdf', 'application/pdf', text('%PDF')],
  ])('%s (%s)', (name, mime, head) => {
    expect(refusalToOpen({ name, mime, head })).toBeNull();
  });
});

describe('the refusal', () => {
  it('names the file and tells the user to save it and open it themselves if they trust it', () => {
    expect(refusalToOpen({ name: 'setup.exe', mime: 'application/octet-stream', head: NOTHING })).toBe(
      'Switchboard does not open “setup.exe”: files of this kind can run programs or change your computer. If you trust it, save it and open it yourself.',
    );
  });
});
