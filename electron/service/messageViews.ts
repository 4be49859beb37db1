// Message rows → views with their attachments. Text (attachment_count 0) costs no lookup; a page
// looks up the attachments of all its messages that have any in one query.

import type { MessageView } from '../api/contract';
import type { MessageRow, Store } from '../store/types';
import { messageView } from './views';

export interface MessageViews {
  one(row: MessageRow): MessageView;
  page(rows: readonly MessageRow[]): MessageView[];
}

/** `storeOf` is a getter: the service builds its handlers before its constructor opens the store. */
export function messageViews(storeOf: () => Store): MessageViews {
  return {
    one: (row) => messageView(row, row.attachmentCount > 0 ? storeOf().listAttachments(row.id) : []),
    page: (rows) => {
      const ids = rows.filter((r) => r.attachmentCount > 0).map((r) => r.id);
      const byMessage = ids.length > 0 ? storeOf().attachmentsFor(ids) : undefined;
      return rows.map((r) => messageView(r, byMessage?.get(r.id) ?? []));
    },
  };
}
