/** The server's public configuration (GET /api/config), loaded once. */
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { configApi } from './endpoints';
import type { PublicConfig } from './types';

const FALLBACK: PublicConfig = {
  tileUrl: '',
  tileAttribution: '',
  tileCrs: 'wgs84',
  demo: false,
  demoAccounts: [],
  version: '',
};

interface ConfigValue {
  config: PublicConfig;
  loaded: boolean;
}

const Ctx = createContext<ConfigValue>({ config: FALLBACK, loaded: false });

export function PublicConfigProvider({ children }: { children: ReactNode }) {
  const [value, setValue] = useState<ConfigValue>({ config: FALLBACK, loaded: false });
  useEffect(() => {
    let alive = true;
    configApi
      .get()
      .then((c) => alive && setValue({ config: { ...FALLBACK, ...c, demoAccounts: c.demoAccounts ?? [] }, loaded: true }))
      .catch(() => alive && setValue({ config: FALLBACK, loaded: true }));
    return () => {
      alive = false;
    };
  }, []);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function usePublicConfig(): ConfigValue {
  return useContext(Ctx);
}
