import type { AccountView, DownloadView, SharesView, UploadsView } from '@contracts/daemon';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';

export interface LiveState {
  /** false until the first snapshot, and while the stream is reconnecting */
  connected: boolean;
  downloads: DownloadView[];
  uploads: UploadsView;
  shares: SharesView | null;
  account: AccountView | null;
}

const INITIAL: LiveState = { connected: false, downloads: [], uploads: { uploads: [], slots: { inUse: 0, capacity: 0 } }, shares: null, account: null };
const LiveContext = createContext<LiveState>(INITIAL);

/**
 * The peer's live state over server-sent events (GET /api/v1/events): a snapshot, then every
 * download, upload, share and account change as it happens. EventSource reconnects by itself and
 * the next snapshot replaces whatever was missed.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<LiveState>(INITIAL);
  useEffect(() => {
    const source = new EventSource('/api/v1/events');
    const on = <T,>(event: string, apply: (data: T, previous: LiveState) => LiveState) =>
      source.addEventListener(event, (message) => setState((previous) => apply(JSON.parse((message as MessageEvent<string>).data) as T, previous)));
    on<{ downloads: DownloadView[]; uploads: UploadsView; shares: SharesView; account: AccountView }>('snapshot', (data) => ({ connected: true, ...data }));
    on<DownloadView>('download', (download, previous) => {
      const known = previous.downloads.some((each) => each.id === download.id);
      return { ...previous, downloads: known ? previous.downloads.map((each) => (each.id === download.id ? download : each)) : [...previous.downloads, download] };
    });
    on<UploadsView>('uploads', (uploads, previous) => ({ ...previous, uploads }));
    on<SharesView>('shares', (shares, previous) => ({ ...previous, shares }));
    on<AccountView>('account', (account, previous) => ({ ...previous, account }));
    source.onerror = () => setState((previous) => ({ ...previous, connected: false }));
    return () => source.close();
  }, []);
  return <LiveContext.Provider value={state}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveState {
  return useContext(LiveContext);
}
