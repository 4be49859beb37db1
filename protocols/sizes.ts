// Sizes in the words the rest of Switchboard uses (binary multiples under the familiar names, like
// renderer/src/media/format.ts), so a refusal from the adapter reads like one from the composer.
const UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

/** 1536 → "1.5 KB", 104857600 → "100 MB". */
export function formatSize(bytes: number, digits?: number): string {
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${bytes} bytes`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(digits ?? (value < 10 ? 1 : 0)).replace(/\.0+$/, '')} ${UNITS[unit]}`;
}

/**
 * "Files on XMPP can be at most 8 MB. This one is 8.2 MB." The size gets more decimals until it
 * reads differently from the limit (then exact bytes), so a file just over never reads as the limit.
 */
export function tooLargeMessage(network: string, limit: number, size: number): string {
  let sizeText = formatSize(size);
  for (let digits = 1; sizeText === formatSize(limit) && digits <= 3; digits++) sizeText = formatSize(size, digits);
  const [a, b] = sizeText === formatSize(limit)
    ? [`${limit.toLocaleString('en-US')} bytes`, `${size.toLocaleString('en-US')} bytes`]
    : [formatSize(limit), sizeText];
  return `Files on ${network} can be at most ${a}. This one is ${b}.`;
}
