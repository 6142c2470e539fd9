/** Who is signed in. Any 401 from the API (outside login) clears the user and flags the session as expired. */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiError, setUnauthorizedHandler } from './api';
import { authApi } from './endpoints';
import type { Me, Permission } from './types';

interface AuthValue {
  user: Me | null;
  /** `loading` until the initial /api/auth/me probe answered. */
  status: 'loading' | 'ready';
  /** True after a session was lost to a 401 (shown on the login page). */
  expired: boolean;
  /** True after an explicit sign-out (the next sign-in starts at the home page). */
  signedOut: boolean;
  login: (username: string, password: string) => Promise<Me>;
  logout: () => Promise<void>;
  refresh: () => Promise<void>;
  can: (perm: Permission) => boolean;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<Me | null>(null);
  const [status, setStatus] = useState<'loading' | 'ready'>('loading');
  const [expired, setExpired] = useState(false);
  const [signedOut, setSignedOut] = useState(false);
  const userRef = useRef<Me | null>(null);
  userRef.current = user;

  const refresh = useCallback(async () => {
    try {
      const { user: me } = await authApi.me();
      setUser(me);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) console.warn('auth probe failed', err);
      setUser(null);
    } finally {
      setStatus('ready');
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      if (userRef.current) setExpired(true);
      setUser(null);
    });
    return () => setUnauthorizedHandler(null);
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const { user: me } = await authApi.login(username, password);
    setExpired(false);
    setSignedOut(false);
    setUser(me);
    return me;
  }, []);

  const logout = useCallback(async () => {
    try {
      await authApi.logout();
    } finally {
      setExpired(false);
      setSignedOut(true);
      setUser(null);
    }
  }, []);

  const value = useMemo<AuthValue>(
    () => ({
      user,
      status,
      expired,
      signedOut,
      login,
      logout,
      refresh,
      can: (perm) => !!user?.permissions.includes(perm),
    }),
    [user, status, expired, signedOut, login, logout, refresh],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth must be used inside <AuthProvider>');
  return v;
}
