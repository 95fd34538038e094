import { useSyncExternalStore } from 'react';
import { session, type SessionState } from './session';

export function useSession(): SessionState {
  return useSyncExternalStore(session.subscribe, session.getState);
}

/** The signed-in moderator; only for components rendered inside the signed-in shell. */
export function useCurrentUser() {
  const state = useSession();
  if (state.status !== 'signed-in') throw new Error('useCurrentUser outside a signed-in session');
  return state.user;
}
