import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { ConfigProvider } from 'antd-mobile';
import zhCNLocale from 'antd-mobile/es/locales/zh-CN';
import enUSLocale from 'antd-mobile/es/locales/en-US';
import { I18nProvider, useI18n } from '../shared/i18n';
import { AuthProvider, useAuth } from '../shared/auth';
import { PublicConfigProvider } from '../shared/config';
import { ErrorBoundary } from './components/ErrorBoundary';
import { PageLoading } from './components/PageLoading';
import { OutboxRunner } from './components/OutboxRunner';
import { Shell } from './components/Shell';
import { LoginPage } from './pages/LoginPage';
import { ReportPage } from './pages/ReportPage';
import { homePath, isResident } from './roles';

// The first screen after login is in the main chunk; the rest load on demand, and are fetched
// in the background right after sign-in, so that a page first opened without a signal still opens.
const PAGES = {
  myReports: () => import('./pages/MyReportsPage'),
  tasks: () => import('./pages/TasksPage'),
  ticket: () => import('./pages/TicketPage'),
  me: () => import('./pages/MePage'),
};
const MyReportsPage = lazy(PAGES.myReports);
const TasksPage = lazy(PAGES.tasks);
const TicketPage = lazy(PAGES.ticket);
const MePage = lazy(PAGES.me);

function usePrefetchPages(): void {
  useEffect(() => {
    for (const load of Object.values(PAGES)) load().catch(() => undefined);
  }, []);
}

function RequireAuth({ children }: { children: ReactNode }) {
  const { user, status, signedOut } = useAuth();
  const location = useLocation();
  usePrefetchPages();
  if (status === 'loading') return <PageLoading />;
  if (!user) return <Navigate to="/login" replace state={signedOut ? null : { from: location }} />;
  return (
    <>
      <OutboxRunner />
      {children}
    </>
  );
}

function RoleHome() {
  const { user } = useAuth();
  return <Navigate to={homePath(user)} replace />;
}

/** Pages only one kind of user has: the other kind is sent to their own home. */
function Only({ resident, children }: { resident: boolean; children: ReactNode }) {
  const { user } = useAuth();
  if (isResident(user) !== resident) return <Navigate to={homePath(user)} replace />;
  return <>{children}</>;
}

function Localised({ children }: { children: ReactNode }) {
  const { lang, t } = useI18n();
  useEffect(() => {
    document.title = t('app.name');
  }, [t]);
  return <ConfigProvider locale={lang === 'en' ? enUSLocale : zhCNLocale}>{children}</ConfigProvider>;
}

export function App() {
  return (
    <I18nProvider>
      <Localised>
        <ErrorBoundary>
          <PublicConfigProvider>
            <AuthProvider>
              <BrowserRouter basename="/m">
                <Suspense fallback={<PageLoading />}>
                  <Routes>
                    <Route path="/login" element={<LoginPage />} />
                    <Route
                      element={
                        <RequireAuth>
                          <Shell />
                        </RequireAuth>
                      }
                    >
                      <Route index element={<RoleHome />} />
                      <Route path="report" element={<ReportPage />} />
                      <Route
                        path="mine"
                        element={
                          <Only resident>
                            <MyReportsPage />
                          </Only>
                        }
                      />
                      <Route
                        path="tasks"
                        element={
                          <Only resident={false}>
                            <TasksPage />
                          </Only>
                        }
                      />
                      <Route path="me" element={<MePage />} />
                    </Route>
                    <Route
                      path="/tickets/:id"
                      element={
                        <RequireAuth>
                          <TicketPage />
                        </RequireAuth>
                      }
                    />
                    <Route path="*" element={<Navigate to="/" replace />} />
                  </Routes>
                </Suspense>
              </BrowserRouter>
            </AuthProvider>
          </PublicConfigProvider>
        </ErrorBoundary>
      </Localised>
    </I18nProvider>
  );
}
