// Which received files "Open" refuses: anything the system would run, install, mount, follow or
// hand to a script host instead of just showing — on any of Windows, macOS and Linux, since the
// sender picks the name and the type. The user can still Save such a file and open it themselves.
//
// Three signals, any one refuses:
//  - the extension of the sanitised name (the name the copy gets on disk, which is what Windows
//    and macOS pick the app by),
//  - the MIME type the sender claimed (what some Linux desktops go by),
//  - the first bytes (a program or a script whatever it is called: what Linux sniffs for a name
//    without a known extension).
// Refusing too much costs a click on "Save"; refusing too little can cost the computer.

/**
 * Extensions, lower case, without the dot. Grouped by why; the groups overlap across systems on
 * purpose (a .js runs under Windows Script Host, a .jar under Java, a .py under the Python
 * launcher, a .desktop under a Linux desktop).
 */
const GROUPS: Record<string, readonly string[]> = {
  // Windows programs, libraries, installers and their patches.
  windowsPrograms: [
    'exe', 'com', 'scr', 'pif', 'cpl', 'dll', 'ocx', 'sys', 'drv', 'efi',
    'msi', 'msp', 'mst', 'msu', 'msix', 'msixbundle', 'appx', 'appxbundle', 'appinstaller',
    'application', 'appref-ms', 'xbap', 'gadget', 'cab', 'diagcab', 'msc',
  ],
  // Scripts the system runs on a double-click, or that a shell, an interpreter or a script host runs.
  scripts: [
    'bat', 'cmd', 'btm', 'ps1', 'psm1', 'psd1', 'ps1xml', 'ps2', 'ps2xml', 'psc1', 'psc2', 'pssc', 'cdxml',
    'msh', 'msh1', 'msh2', 'mshxml', 'msh1xml', 'msh2xml',
    'vb', 'vbs', 'vbe', 'vbscript', 'js', 'jse', 'mjs', 'cjs', 'wsf', 'wsh', 'wsc', 'ws', 'sct', 'shb', 'shs',
    'hta', 'htc', 'chm', 'hlp', 'inf', 'ins', 'isp', 'reg', 'scf', 'its', 'mcf',
    'sh', 'bash', 'zsh', 'csh', 'tcsh', 'ksh', 'fish', 'command', 'tool', 'run', 'bin', 'elf', 'so', 'ko',
    'py', 'pyc', 'pyo', 'pyw', 'pyz', 'pyzw', 'pl', 'pm', 'rb', 'php', 'php3', 'php4', 'php5', 'phtml', 'phar',
    'lua', 'tcl', 'ahk', 'au3', 'scpt', 'scptd', 'applescript', 'workflow', 'action', 'terminal',
    'jar', 'class', 'jnlp',
  ],
  // Shortcuts and links: they point somewhere else (a program, a network share, a URL).
  shortcuts: ['lnk', 'url', 'website', 'webloc', 'inetloc', 'fileloc', 'desktop', 'xnk', 'library-ms', 'search-ms', 'searchconnector-ms', 'settingcontent-ms'],
  // macOS, Linux and mobile installers, packages and app bundles.
  packages: [
    'app', 'pkg', 'mpkg', 'dmg', 'kext', 'prefpane', 'plugin',
    'deb', 'rpm', 'apk', 'xapk', 'aab', 'ipa', 'appimage', 'snap', 'flatpak', 'flatpakref', 'flatpakrepo', 'xpi', 'crx',
  ],
  // Disk images: opening one mounts it, and what is inside loses the "from the internet" mark.
  diskImages: ['iso', 'img', 'vhd', 'vhdx', 'udf', 'sparseimage', 'sparsebundle', 'toast'],
  // Documents that carry macros or code their app runs, and system settings files.
  activeDocuments: [
    'docm', 'dotm', 'xlsm', 'xltm', 'xlam', 'xll', 'pptm', 'potm', 'ppam', 'ppsm', 'sldm', 'slk', 'iqy',
    'mdb', 'mde', 'accdb', 'accde', 'ade', 'adp', 'mda', 'mdt', 'mdw', 'mdz', 'mam', 'maq', 'mar', 'mas', 'mat', 'mau', 'mav', 'maw', 'mad', 'maf', 'mag',
    'theme', 'themepack', 'deskthemepack', 'cer', 'crt', 'der', 'p7b', 'prf', 'wsb', 'printerexport', 'bgi', 'grp', 'ops', 'pcd', 'plg', 'vsmacros', 'vsw',
  ],
  // Web pages and SVG: the browser they open in runs their script.
  webDocuments: ['htm', 'html', 'xhtml', 'xht', 'shtml', 'mht', 'mhtml', 'svg', 'svgz', 'xml', 'xsl', 'xslt'],
};

export const UNSAFE_EXTENSIONS: ReadonlySet<string> = new Set(Object.values(GROUPS).flat());

/** MIME types of programs, scripts, installers, shortcuts and disk images (parameters ignored). */
const UNSAFE_MIME_EXACT: ReadonlySet<string> = new Set([
  'application/x-msdownload', 'application/x-msdos-program', 'application/x-ms-installer', 'application/x-msi',
  'application/x-ms-application', 'application/x-ms-shortcut', 'application/x-mswinurl', 'application/x-url',
  'application/vnd.microsoft.portable-executable', 'application/x-ms-wim', 'application/vnd.ms-cab-compressed',
  'application/hta', 'application/vnd.ms-htmlhelp', 'application/x-bat', 'application/x-cmd',
  'application/x-sh', 'application/x-csh', 'application/x-ksh', 'application/x-zsh', 'application/x-bash',
  'application/x-python', 'application/x-python-code', 'application/x-perl', 'application/x-ruby',
  'application/x-php', 'application/x-httpd-php', 'application/x-lua', 'application/x-tcl', 'application/x-powershell',
  'application/java-archive', 'application/x-java-archive', 'application/x-java-applet', 'application/x-java-jnlp-file', 'application/java-vm',
  'application/vnd.android.package-archive', 'application/x-apple-diskimage', 'application/x-iso9660-image', 'application/x-raw-disk-image',
  'application/x-debian-package', 'application/vnd.debian.binary-package', 'application/x-rpm', 'application/x-redhat-package-manager',
  'application/x-appimage', 'application/vnd.appimage', 'application/x-desktop', 'application/x-xpinstall', 'application/x-chrome-extension',
  'application/x-newton-compatible-pkg', 'application/vnd.apple.installer+xml', 'application/x-apple-aspen-config',
  'application/x-ms-dos-executable', 'application/x-winexe', 'application/x-msdos-windows',
  'text/html', 'application/xhtml+xml', 'image/svg+xml', 'multipart/related', 'application/x-mimearchive',
  'text/xml', 'application/xml', 'application/xslt+xml', 'text/xsl',
  'text/x-sh', 'text/x-shellscript', 'text/x-python', 'text/x-perl', 'text/x-ruby', 'text/x-php', 'text/x-lua', 'text/x-tcl',
  'text/vbscript', 'text/vbs', 'text/x-ms-regedit', 'text/x-scriptlet', 'text/x-ms-odc',
]);

/** Families no exact list can keep up with: executables by any name, script languages, macro documents. */
const UNSAFE_MIME_PATTERNS: readonly RegExp[] = [
  /(^|[/.+-])(x-)?(executable|sharedlib|elf|mach-?o|mach-binary|dosexec|msdownload|msdos)($|[.+-])/,
  /(^|[/.+-])(x-)?(java|ecma|j|vb|shell|apple|power)script($|[.+-])/,
  /macroenabled/,
  /^application\/x-(ms|microsoft)-/,
];

/** The type without parameters, lower case: "Text/HTML; charset=x" → "text/html". */
export function plainMime(mime: string): string {
  return (mime.split(';')[0] ?? '').trim().toLowerCase();
}

/** The extension the system will see, lower case without the dot; '' for none. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

export function isUnsafeExtension(name: string): boolean {
  return UNSAFE_EXTENSIONS.has(extensionOf(name));
}

export function isUnsafeMime(mime: string): boolean {
  const plain = plainMime(mime);
  return UNSAFE_MIME_EXACT.has(plain) || UNSAFE_MIME_PATTERNS.some((p) => p.test(plain));
}

/** How many bytes of the file's start `looksLikeProgram` reads. */
export const HEAD_BYTES = 4;

/**
 * The first bytes of a program or a script: Windows PE ("MZ"), ELF, Mach-O (both byte orders,
 * 32/64-bit, and universal binaries — whose magic Java class files share: refused too), and a
 * "#!" interpreter line.
 */
export function looksLikeProgram(head: Uint8Array): boolean {
  const b = (i: number): number => head[i] ?? -1;
  if (b(0) === 0x4d && b(1) === 0x5a) return true; // MZ
  if (b(0) === 0x23 && b(1) === 0x21) return true; // #!
  const word = head.length >= 4 ? ((b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3)) >>> 0 : -1;
  return [0x7f454c46, 0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe, 0xbebafeca].includes(word);
}

export interface FileToOpen {
  /** The sanitised name the copy will carry (fileName.ts). */
  name: string;
  mime: string;
  /** The file's first HEAD_BYTES bytes (fewer for a shorter file). */
  head: Uint8Array;
}

/** Why Switchboard will not open this file, in words for the user; null when it may. */
export function refusalToOpen(file: FileToOpen): string | null {
  if (!isUnsafeExtension(file.name) && !isUnsafeMime(file.mime) && !looksLikeProgram(file.head)) return null;
  return `Switchboard does not open “${file.name}”: files of this kind can run programs or change your computer. If you trust it, save it and open it yourself.`;
}
