import { Badge, NoticeBar, SafeArea, TabBar } from 'antd-mobile';
import { EditSOutline, FileOutline, UnorderedListOutline, UserOutline } from 'antd-mobile-icons';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useAuth } from '../../shared/auth';
import { useT } from '../../shared/i18n';
import { useOutbox } from '../lib/outbox';
import { useOnline } from '../lib/useOnline';
import { isResident } from '../roles';

/** The signed-in frame: an offline banner, the page, and the tab bar (residents and staff differ). */
export function Shell() {
  const t = useT();
  const { user } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const online = useOnline();
  const waiting = useOutbox(user?.id).length;
  const resident = isResident(user);

  const reportTab = {
    key: '/report',
    title: resident ? t('m.tab.report') : t('m.tab.quick'),
    icon: (
      <Badge content={waiting || null} data-testid="tab-report-badge">
        <EditSOutline />
      </Badge>
    ),
  };
  const tabs = resident
    ? [reportTab, { key: '/mine', title: t('m.tab.mine'), icon: <FileOutline /> }, { key: '/me', title: t('m.tab.me'), icon: <UserOutline /> }]
    : [{ key: '/tasks', title: t('m.tab.tasks'), icon: <UnorderedListOutline /> }, reportTab, { key: '/me', title: t('m.tab.me'), icon: <UserOutline /> }];
  const active = tabs.find((tab) => location.pathname.startsWith(tab.key))?.key ?? tabs[0]!.key;

  return (
    <div className="m-shell">
      {!online && <NoticeBar content={t('m.offline')} color="alert" data-testid="offline-banner" />}
      <div className="m-shell-body">
        <Outlet />
      </div>
      <div className="m-shell-tabbar">
        <TabBar activeKey={active} onChange={(key) => navigate(key)} safeArea={false}>
          {tabs.map((tab) => (
            <TabBar.Item key={tab.key} icon={tab.icon} title={<span data-testid={`tab-${tab.key.slice(1)}`}>{tab.title}</span>} />
          ))}
        </TabBar>
        <SafeArea position="bottom" />
      </div>
    </div>
  );
}
