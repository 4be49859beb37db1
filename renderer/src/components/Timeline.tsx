// The open chat's messages: a virtualised list with rows measured as they render, so 100,000
// loaded messages scroll as smoothly as 100. The virtualizer anchors to the end (a chat reads
// bottom-up): prepending an older page keeps the reader's row where it was, and while the view
// sits at the bottom it follows new messages. Mounted once per window generation (see
// TimelineWindow), so a new window (open, jump, resync) starts with a fresh scroll position.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { dayLabel } from '../format';
import { actions } from '../state/app';
import type { TimelineWindow } from '../state/timeline';
import { buildRows, rowIndexOfMessage } from '../state/timelineRows';
import { useNow } from '../useNow';
import { MessageRow } from './MessageRow';

/** How close to an edge (px) the view must be to load the next page. */
const LOAD_MARGIN = 800;
/** How close to the bottom (px) still counts as "at the bottom". */
const BOTTOM_SLACK = 48;

export function Timeline({ window: tl }: { window: TimelineWindow }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [scrolledUp, setScrolledUp] = useState(false);
  const now = useNow(60_000);
  const rows = useMemo(() => buildRows(tl.messages), [tl.messages]);
  const reachesNewest = tl.newerCursor === null;

  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler here; the virtualizer re-renders through its own state.
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => (rows[index]?.kind === 'day' ? 40 : 64),
    getItemKey: (index) => rows[index]?.key ?? index,
    overscan: 6,
    anchorTo: 'end',
    // A window that stops short of the newest message grows downward by pages, and the reader
    // must see each page rather than be carried to its end.
    followOnAppend: reachesNewest,
    scrollEndThreshold: 4,
  });

  const highlightIndex = tl.highlightId === null ? -1 : rowIndexOfMessage(rows, tl.highlightId);

  // First position of this window: the search hit, else the newest message.
  useLayoutEffect(() => {
    if (highlightIndex >= 0) virtualizer.scrollToIndex(highlightIndex, { align: 'center' });
    else virtualizer.scrollToEnd();
    // Only on mount: later changes are handled by the virtualizer's own anchoring.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  function loadIfNearEdge() {
    const el = scrollRef.current;
    if (!el) return;
    const fromBottom = el.scrollHeight - el.scrollTop - el.clientHeight;
    if (el.scrollTop < LOAD_MARGIN && tl.olderCursor !== null && !tl.loadingOlder) void actions.loadOlder();
    if (fromBottom < LOAD_MARGIN && tl.newerCursor !== null && !tl.loadingNewer) void actions.loadNewer();
  }

  // A page that does not fill the view cannot be scrolled, so check the edges after each change too.
  useEffect(loadIfNearEdge);

  function onScroll() {
    const el = scrollRef.current;
    if (!el) return;
    const fromBottom = el.scrollHeight - el.scrollTop - el.clientHeight;
    setScrolledUp(fromBottom > BOTTOM_SLACK);
    loadIfNearEdge();
  }

  function jumpToLatest() {
    if (!reachesNewest) void actions.jumpToLatest();
    else virtualizer.scrollToEnd();
  }

  const items = virtualizer.getVirtualItems();
  return (
    <div className="timeline-wrap">
      {tl.loadingOlder && <div className="timeline-loading">Loading earlier messages…</div>}
      <div ref={scrollRef} className="timeline" role="log" aria-label="Messages" tabIndex={0} onScroll={onScroll}>
        {rows.length === 0 && tl.olderCursor === null && <p className="timeline-placeholder">No messages yet.</p>}
        <div className="timeline-inner" role="list" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <div
                key={item.key}
                role="listitem"
                data-index={item.index}
                ref={virtualizer.measureElement}
                className="timeline-item"
                style={{ transform: `translateY(${item.start}px)` }}
              >
                {row.kind === 'day' ? (
                  <div className="day-separator">
                    <span>{dayLabel(row.at, now)}</span>
                  </div>
                ) : (
                  <MessageRow
                    message={row.message}
                    continued={row.continued}
                    highlighted={row.message.id === tl.highlightId}
                  />
                )}
              </div>
            );
          })}
        </div>
      </div>
      {(scrolledUp || !reachesNewest) && (
        <button type="button" className="jump-latest" onClick={jumpToLatest}>
          Jump to latest
        </button>
      )}
    </div>
  );
}
