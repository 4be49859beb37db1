// What a paste into the composer means: text to type, or files to attach.

export interface PasteContent {
  /** The types of the files on the clipboard (empty strings for unknown types). */
  fileTypes: readonly string[];
  hasText: boolean;
  hasHtml: boolean;
}

/**
 * Files win, except in one case: copying from a word processor or a web page puts rich text on the
 * clipboard together with a picture of it. When there is HTML and text and every file is an image,
 * the person copied text, and the text is pasted.
 */
export function pasteWantsFiles(content: PasteContent): boolean {
  if (content.fileTypes.length === 0) return false;
  const onlyImages = content.fileTypes.every((t) => t.toLowerCase().startsWith('image/'));
  return !(onlyImages && content.hasText && content.hasHtml);
}
