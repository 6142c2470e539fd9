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
// 基础信息: people, households, houses, building view, catalogue settings
const PeopleListPage = lazy(() => import('./people/PeopleListPage'));
const PersonNewPage = lazy(() => import('./people/PersonNewPage'));
const PersonDetailPage = lazy(() => import('./people/PersonDetailPage'));
const HouseholdsPage = lazy(() => import('./people/HouseholdsPage'));
const HouseholdDetailPage = lazy(() => import('./people/HouseholdDetailPage'));
const CataloguePage = lazy(() => import('./people/CataloguePage'));
const HousesPage = lazy(() => import('./housing/HousesPage'));
const BuildingViewPage = lazy(() => import('./housing/BuildingViewPage'));
// 数据治理、党建 (the coverage page alone loads ECharts)
const ImportWizardPage = lazy(() => import('./imports/ImportWizardPage'));
const ImportsPage = lazy(() => import('./imports/ImportsPage'));
const ImportDetailPage = lazy(() => import('./imports/ImportDetailPage'));
const ConflictsPage = lazy(() => import('./imports/ConflictsPage'));
const OrgsPage = lazy(() => import('./orgs/OrgsPage'));
const OrgDetailPage = lazy(() => import('./orgs/OrgDetailPage'));
const PartyPage = lazy(() => import('./party/PartyPage'));
const CoveragePage = lazy(() => import('./coverage/CoveragePage'));
// 接诉即办 (the metrics page alone loads ECharts; the list, new and detail pages Leaflet)
const TicketListPage = lazy(() => import('./tickets/TicketListPage'));
const TicketNewPage = lazy(() => import('./tickets/TicketNewPage'));
const TicketDetailPage = lazy(() => import('./tickets/TicketDetailPage'));
const TicketMetricsPage = lazy(() => import('./tickets/MetricsPage'));
const TicketCataloguePage = lazy(() => import('./tickets/CataloguePage'));
const TicketCalendarPage = lazy(() => import('./tickets/CalendarPage'));
// 系统对接: webhooks, Open311 keys, the 12345 hotline exchange
const WebhooksPage = lazy(() => import('./integrations/WebhooksPage'));
const Open311KeysPage = lazy(() => import('./integrations/Open311KeysPage'));
const HotlinePage = lazy(() => import('./integrations/HotlinePage'));

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
                    <Route
                      path="imports/new"
                      element={
                        <RequirePerm perm="import.run">
                          <ImportWizardPage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="imports"
                      element={
                        <RequirePerm perm="import.run">
                          <ImportsPage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="imports/:id"
                      element={
                        <RequirePerm perm="import.run">
                          <ImportDetailPage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="conflicts"
                      element={
                        <RequirePerm perm="person.read">
                          <ConflictsPage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="orgs"
                      element={
                        <RequirePerm perm="org.read">
                          <OrgsPage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="orgs/:id"
                      element={
                        <RequirePerm perm="org.read">
                          <OrgDetailPage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="party"
                      element={
                        <RequirePerm perm="party.read">
                          <PartyPage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="coverage"
                      element={
                        <RequirePerm perm="coverage.read">
                          <CoveragePage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="people"
                      element={
                        <RequirePerm perm="person.read">
                          <PeopleListPage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="people/new"
                      element={
                        <RequirePerm perm="person.write">
                          <PersonNewPage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="people/:id"
                      element={
                        <RequirePerm perm="person.read">
                          <PersonDetailPage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="households"
                      element={
                        <RequirePerm perm="person.read">
                          <HouseholdsPage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="households/:id"
                      element={
                        <RequirePerm perm="person.read">
                          <HouseholdDetailPage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="houses"
                      element={
                        <RequirePerm perm="house.read">
                          <HousesPage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="buildings/:id"
                      element={
                        <RequirePerm perm="house.read">
                          <BuildingViewPage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="settings/catalogue"
                      element={
                        <RequirePerm perm="catalogue.write">
                          <CataloguePage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="tickets"
                      element={
                        <RequirePerm perm="ticket.read">
                          <TicketListPage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="tickets/new"
                      element={
                        <RequirePerm perm="ticket.report">
                          <TicketNewPage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="tickets/metrics"
                      element={
                        <RequirePerm perm="ticket.metrics">
                          <TicketMetricsPage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="tickets/catalogue"
                      element={
                        <RequirePerm perm="ticket.read">
                          <TicketCataloguePage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="tickets/calendar"
                      element={
                        <RequirePerm perm="ticket.read">
                          <TicketCalendarPage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="tickets/:id"
                      element={
                        <RequirePerm perm="ticket.read">
                          <TicketDetailPage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="integrations/webhooks"
                      element={
                        <RequirePerm perm="webhook.write">
                          <WebhooksPage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="integrations/open311"
                      element={
                        <RequirePerm perm="apikey.write">
                          <Open311KeysPage />
                        </RequirePerm>
                      }
                    />
                    <Route
                      path="integrations/hotline"
                      element={
                        <RequirePerm perm="hotline.import">
                          <HotlinePage />
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
