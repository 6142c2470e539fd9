import { useMemo, useState } from 'react';
import { Link, Outlet, useLocation } from 'react-router-dom';
import { App, Avatar, Button, Dropdown, Layout, Menu, Space, Tag, Typography, type MenuProps } from 'antd';
import {
  ApartmentOutlined,
  ApiOutlined,
  AuditOutlined,
  BankOutlined,
  BarChartOutlined,
  CalendarOutlined,
  CheckSquareOutlined,
  ClusterOutlined,
  CustomerServiceOutlined,
  UnorderedListOutlined,
  CloudUploadOutlined,
  ContactsOutlined,
  IdcardOutlined,
  BuildOutlined,
  ProfileOutlined,
  TagsOutlined,
  DatabaseOutlined,
  DiffOutlined,
  FlagOutlined,
  PhoneOutlined,
  PieChartOutlined,
  DownOutlined,
  EnvironmentOutlined,
  HomeOutlined,
  KeyOutlined,
  LogoutOutlined,
  SendOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { useAuth } from '../../shared/auth';
import { useT } from '../../shared/i18n';
import type { Permission } from '../../shared/types';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useLabels } from '../labels';
import { ChangePasswordModal } from './ChangePasswordModal';

const { Header, Sider, Content } = Layout;

interface NavItem {
  path: string;
  label: string;
  icon: React.ReactNode;
  perm?: Permission;
  /** Items with the same group are shown together in a sub-menu (at the first one's place). */
  group?: NavGroupKey;
  /** Path prefix that selects this item (default: `path`). */
  match?: string;
  /** `nav-<id>` test id (default: the path without its slash). */
  id?: string;
}

type NavGroupKey = 'tickets' | 'basic' | 'dataGov' | 'party' | 'integrations';

export function ConsoleLayout() {
  const t = useT();
  const labels = useLabels();
  const { user, can, logout } = useAuth();
  const location = useLocation();
  const { message } = App.useApp();
  const [collapsed, setCollapsed] = useState(false);
  const [pwOpen, setPwOpen] = useState(false);

  const nav: NavItem[] = useMemo(
    () =>
      ([] as NavItem[]).concat([
        { path: '/', label: t('menu.home'), icon: <HomeOutlined /> },
        { path: '/regions', label: t('menu.regions'), icon: <ApartmentOutlined />, perm: 'region.read' as const },
        { path: '/map', label: t('menu.map'), icon: <EnvironmentOutlined />, perm: 'region.read' as const },
        // 接诉即办
        { path: '/tickets', label: t('menu.tickets'), icon: <UnorderedListOutlined />, perm: 'ticket.read' as const, group: 'tickets' as const },
        { path: '/tickets?view=tasks', id: 'ticket-tasks', label: t('menu.ticketTasks'), icon: <CheckSquareOutlined />, perm: 'ticket.work' as const, group: 'tickets' as const },
        { path: '/tickets/metrics', id: 'ticket-metrics', label: t('menu.ticketMetrics'), icon: <BarChartOutlined />, perm: 'ticket.metrics' as const, group: 'tickets' as const },
        { path: '/tickets/catalogue', id: 'ticket-catalogue', label: t('menu.ticketCatalogue'), icon: <ClusterOutlined />, perm: 'ticket.read' as const, group: 'tickets' as const },
        { path: '/tickets/calendar', id: 'ticket-calendar', label: t('menu.ticketCalendar'), icon: <CalendarOutlined />, perm: 'ticket.read' as const, group: 'tickets' as const },
        // 基础信息
        { path: '/people', label: t('menu.people'), icon: <ContactsOutlined />, perm: 'person.read' as const, group: 'basic' as const },
        { path: '/households', label: t('menu.households'), icon: <ProfileOutlined />, perm: 'person.read' as const, group: 'basic' as const },
        { path: '/houses', label: t('menu.houses'), icon: <BuildOutlined />, perm: 'house.read' as const, group: 'basic' as const },
        { path: '/settings/catalogue', id: 'catalogue', label: t('menu.catalogue'), icon: <TagsOutlined />, perm: 'catalogue.write' as const, group: 'basic' as const },
        // 数据治理
        { path: '/imports/new', match: '/imports', id: 'imports', label: t('menu.imports'), icon: <CloudUploadOutlined />, perm: 'import.run' as const, group: 'dataGov' as const },
        { path: '/conflicts', label: t('menu.conflicts'), icon: <DiffOutlined />, perm: 'person.read' as const, group: 'dataGov' as const },
        // 党建
        { path: '/party', label: t('menu.party'), icon: <FlagOutlined />, perm: 'party.read' as const, group: 'party' as const },
        { path: '/orgs', label: t('menu.orgs'), icon: <BankOutlined />, perm: 'org.read' as const, group: 'party' as const },
        { path: '/coverage', label: t('menu.coverage'), icon: <PieChartOutlined />, perm: 'coverage.read' as const, group: 'party' as const },
        // 系统对接
        { path: '/integrations/webhooks', id: 'webhooks', label: t('menu.webhooks'), icon: <SendOutlined />, perm: 'webhook.write' as const, group: 'integrations' as const },
        { path: '/integrations/open311', id: 'open311-keys', label: t('menu.open311Keys'), icon: <KeyOutlined />, perm: 'apikey.write' as const, group: 'integrations' as const },
        { path: '/integrations/hotline', id: 'hotline', label: t('menu.hotline'), icon: <PhoneOutlined />, perm: 'hotline.import' as const, group: 'integrations' as const },
        { path: '/users', label: t('menu.users'), icon: <TeamOutlined />, perm: 'user.read' as const },
        { path: '/audit', label: t('menu.audit'), icon: <AuditOutlined />, perm: 'audit.read' as const },
      ]).filter((i) => !i.perm || can(i.perm)),
    [t, can],
  );

  // The most specific item wins (/tickets/metrics over /tickets); an item with a query
  // (/tickets?view=tasks) needs those parameters too.
  const matchScore = (i: NavItem): number => {
    const [path = '', query] = i.path.split('?');
    if (path === '/') return location.pathname === '/' ? 1 : -1;
    const prefix = i.match ?? path;
    if (!location.pathname.startsWith(prefix)) return -1;
    if (!query) return prefix.length;
    const here = new URLSearchParams(location.search);
    for (const [k, v] of new URLSearchParams(query)) if (here.get(k) !== v) return -1;
    return prefix.length + 1000;
  };
  const selected = nav.reduce<{ path: string; score: number }>((best, i) => {
    const score = matchScore(i);
    return score > best.score ? { path: i.path, score } : best;
  }, { path: '', score: -1 }).path;

  const groupLabels: Record<NavGroupKey, { label: string; icon: React.ReactNode }> = {
    tickets: { label: t('menu.group.tickets'), icon: <CustomerServiceOutlined /> },
    basic: { label: t('menu.group.basic'), icon: <IdcardOutlined /> },
    dataGov: { label: t('menu.group.dataGov'), icon: <DatabaseOutlined /> },
    party: { label: t('menu.group.party'), icon: <FlagOutlined /> },
    integrations: { label: t('menu.group.integrations'), icon: <ApiOutlined /> },
  };
  const toMenuItem = (i: NavItem) => ({
    key: i.path,
    icon: i.icon,
    label: (
      <Link to={i.path} data-testid={`nav-${i.id ?? (i.path === '/' ? 'home' : i.path.slice(1))}`}>
        {i.label}
      </Link>
    ),
  });
  const menuItems: MenuProps['items'] = [];
  for (const i of nav) {
    if (!i.group) {
      menuItems.push(toMenuItem(i));
    } else if (!menuItems.some((m) => m?.key === `group:${i.group}`)) {
      menuItems.push({
        key: `group:${i.group}`,
        icon: groupLabels[i.group].icon,
        label: groupLabels[i.group].label,
        children: nav.filter((x) => x.group === i.group).map(toMenuItem),
      });
    }
  }
  const groupKeys = [...new Set(nav.map((i) => i.group).filter(Boolean))].map((g) => `group:${g}`);

  const doLogout = async () => {
    try {
      await logout();
      message.success(t('header.loggedOut'));
    } catch {
      /* the session is gone locally either way */
    }
  };

  const userMenu: MenuProps['items'] = [
    { key: 'password', icon: <KeyOutlined />, label: t('header.changePassword'), onClick: () => setPwOpen(true) },
    { type: 'divider' },
    {
      key: 'logout',
      icon: <LogoutOutlined />,
      label: <span data-testid="logout">{t('header.logout')}</span>,
      onClick: () => void doLogout(),
    },
  ];

  if (!user) return null;

  return (
    <Layout className="console-layout">
      <Sider collapsible collapsed={collapsed} onCollapse={setCollapsed} width={208} theme="dark">
        <div className="console-logo" title={t('app.fullName')}>
          <span className="console-logo-mark">{t('app.mark')}</span>
          {!collapsed && <span className="console-logo-text">{t('app.name')}</span>}
        </div>
        <Menu theme="dark" mode="inline" selectedKeys={[selected]} defaultOpenKeys={groupKeys} items={menuItems} />
      </Sider>
      <Layout>
        <Header className="console-header">
          <Typography.Text className="console-header-title" ellipsis>
            {t('app.subtitle')}
          </Typography.Text>
          <Space size="middle" wrap={false}>
            <LanguageSwitch />
            <Dropdown menu={{ items: userMenu }} trigger={['click']}>
              <Button type="text" className="console-user" data-testid="user-menu">
                <Avatar size="small" icon={<UserOutlined />} />
                <span className="console-user-name" data-testid="user-display-name">
                  {user.displayName}
                </span>
                <Tag color="red" variant="outlined" style={{ marginInlineEnd: 0 }}>
                  {labels.role(user.role)}
                </Tag>
                <span className="console-user-scope">{user.scope ? user.scope.name : t('header.noScope')}</span>
                <DownOutlined style={{ fontSize: 10 }} />
              </Button>
            </Dropdown>
          </Space>
        </Header>
        <Content className="console-content">
          <ErrorBoundary resetKey={location.pathname}>
            <Outlet />
          </ErrorBoundary>
        </Content>
      </Layout>
      <ChangePasswordModal open={pwOpen} onClose={() => setPwOpen(false)} />
    </Layout>
  );
}
