import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';

export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Server-side paging with opaque cursors: the server only goes forwards, so the pages seen so far
 * are a stack of cursors and "previous" pops it. Changing the filters (the key) starts over.
 */
export function usePagedQuery<T>(key: readonly unknown[], fetchPage: (cursor: string | null) => Promise<CursorPage<T>>, options: { enabled?: boolean } = {}) {
  const identity = JSON.stringify(key);
  const [state, setState] = useState<{ identity: string; cursors: Array<string | null> }>({ identity, cursors: [null] });
  const cursors = state.identity === identity ? state.cursors : [null];
  if (state.identity !== identity) setState({ identity, cursors });
  const cursor = cursors[cursors.length - 1] ?? null;

  const query = useQuery({
    queryKey: [...key, { cursor }],
    queryFn: () => fetchPage(cursor),
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  });
  const nextCursor = query.data?.nextCursor ?? null;

  return {
    query,
    items: query.data?.items ?? [],
    pageNumber: cursors.length,
    hasPrevious: cursors.length > 1,
    hasNext: nextCursor !== null && !query.isPlaceholderData,
    next: () => {
      if (nextCursor !== null) setState({ identity, cursors: [...cursors, nextCursor] });
    },
    previous: () => setState({ identity, cursors: cursors.slice(0, -1) }),
  };
}

export type Pager = ReturnType<typeof usePagedQuery>;
