import { Button, Dialog, List, NavBar } from 'antd-mobile';
import { useNavigate } from 'react-router-dom';
import { useAuth } from '../../shared/auth';
import { usePublicConfig } from '../../shared/config';
import { useI18n } from '../../shared/i18n';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { OutboxList } from '../components/OutboxList';
import { useOutbox } from '../lib/outbox';
import { isResident } from '../roles';

/** 我的: who is signed in, the language, anything unsent, sign-out. */
export default function MePage() {
  const { t, tx } = useI18n();
  const { user, logout } = useAuth();
  const { config } = usePublicConfig();
  const navigate = useNavigate();
  const outbox = useOutbox(user?.id);
  if (!user) return null;

  const signOut = async () => {
    if (await Dialog.confirm({ content: t('m.me.logoutConfirm') })) {
      await logout().catch(() => undefined);
      navigate('/login', { replace: true });
    }
  };

  return (
    <div className="m-page" data-testid="me-page">
      <NavBar back={null}>{t('m.tab.me')}</NavBar>
      <div className="m-me-head">
        <div className="m-avatar">{user.displayName.slice(0, 1)}</div>
        <div>
          <div className="m-me-name" data-testid="me-name">
            {user.displayName}
          </div>
          <div className="m-muted m-small">{user.username}</div>
        </div>
      </div>
      <List mode="card">
        <List.Item extra={tx(`role.${user.role}`, user.role)} data-testid="me-role" data-role={user.role}>
          {t('m.me.role')}
        </List.Item>
        {user.scope && <List.Item extra={user.scope.name}>{t('m.me.scope')}</List.Item>}
        {user.department && <List.Item extra={user.department}>{t('m.me.department')}</List.Item>}
      </List>
      {outbox.length > 0 && <OutboxList uid={user.id} items={outbox} />}
      <List mode="card" header={t('m.me.language')}>
        <List.Item>
          <LanguageSwitch />
        </List.Item>
      </List>
      {!isResident(user) && (
        <List mode="card">
          <List.Item onClick={() => window.location.assign('/')}>{t('m.me.console')}</List.Item>
        </List>
      )}
      <div className="m-submit">
        <Button block color="danger" fill="outline" size="large" onClick={() => void signOut()} data-testid="logout">
          {t('m.me.logout')}
        </Button>
        {config.version && <div className="m-muted m-small m-center-text">{t('m.me.version', { version: config.version })}</div>}
      </div>
    </div>
  );
}
