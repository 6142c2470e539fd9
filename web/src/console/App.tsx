import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCNLocale from 'antd/locale/zh_CN';
import enUSLocale from 'antd/locale/en_US';
import { I18nProvider, useI18n } from '../shared/i18n';
import { AuthProvider, useAuth } from '../shared/auth';
import { PublicConfigProvider } from '../shared/config';
import type { Permission } from '../shared/types';
import { ConsoleLayout } from './layout/ConsoleLayout';
import { ErrorBoundary } from './components/ErrorBoundary';
import { PageSpin } from './components/PageSpin';
import { Forbidden, NotFound } from './components/Results';
import { LoginPage } from './pages/LoginPage';
import { HomePage } from './pages/HomePage';

// Route-level code splitting: the map page pulls in Leaflet; the others keep the first load small.
const RegionsPage = lazy(() => import('./pages/RegionsPage'));
const MapPage = lazy(() => import('./map/MapPage'));
const UsersPage = lazy(() => import('./pages/UsersPage'));
const AuditPage = lazy(() => import('./pages/AuditPage'));

function RequireAuth({ children }: { children: ReactNode }) {
  const { user, status, signedOut } = useAuth();
  const location = useLocation();
  if (status === 'loading') return <PageSpin />;
  // Remember where the user was (deep link, expired session) unless they signed out on purpose.
  if (!user) return <Navigate to="/login" replace state={signedOut ? null : { from: location }} />;
  return <>{children}</>;
}

function RequirePerm({ perm, children }: { perm: Permission; children: ReactNode }) {
  const { can } = useAuth();
  if (!can(perm)) return <Forbidden />;
  return <Suspense fallback={<PageSpin />}>{children}</Suspense>;
}

function Themed({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  return (
    <ConfigProvider
      locale={lang === 'en' ? enUSLocale : zhCNLocale}
      theme={{ token: { colorPrimary: '#c8161d', borderRadius: 6 } }}
    >
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <I18nProvider>
      <Themed>
        <ErrorBoundary>
          <PublicConfigProvider>
            <AuthProvider>
              <BrowserRouter>
                <Routes>
                  <Route path="/login" element={<LoginPage />} />
                  <Route
                    element={
                      <RequireAuth>
                        <ConsoleLayout />
                      </RequireAuth>
                    }
                  >
                    <Route index element={<HomePage />} />
                    <Route
                      path="regions"
                      element={
                        <RequirePerm perm="region.read">
                          <RegionsPage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="map"
                      element={
                        <RequirePerm perm="region.read">
                          <MapPage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="users"
                      element={
                        <RequirePerm perm="user.read">
                          <UsersPage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="audit"
                      element={
                        <RequirePerm perm="audit.read">
                          <AuditPage />
                        </RequirePerm>
                      }
                    />
                    <Route path="home" element={<Navigate to="/" replace />} />
                    <Route path="*" element={<NotFound />} />
                  </Route>
                </Routes>
              </BrowserRouter>
            </AuthProvider>
          </PublicConfigProvider>
        </ErrorBoundary>
      </Themed>
    </I18nProvider>
  );
}
