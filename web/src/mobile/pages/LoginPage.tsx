import { useState } from 'react';
import { Navigate, useLocation, useNavigate, type Location } from 'react-router-dom';
import { Button, Form, Input, List, NoticeBar, Tag } from 'antd-mobile';
import { ApiError, errorMessage } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { usePublicConfig } from '../../shared/config';
import { useI18n } from '../../shared/i18n';
import type { DemoAccount, Me } from '../../shared/types';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { TestId } from '../components/TestId';
import { homePath, isResident } from '../roles';

interface Values {
  username: string;
  password: string;
}

/** Back to where the session ended, if that page suits the user's role; else the role's home. */
function targetOf(state: unknown, user: Me): string {
  const from = (state as { from?: Location } | null)?.from;
  const path = from?.pathname ?? '/';
  if (path === '/' || path === '/login') return homePath(user);
  if (isResident(user) ? path.startsWith('/tasks') : path.startsWith('/mine')) return homePath(user);
  return `${path}${from?.search ?? ''}`;
}

export function LoginPage() {
  const { t, tx } = useI18n();
  const { user, status, login, expired } = useAuth();
  const { config } = usePublicConfig();
  const location = useLocation();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (status === 'ready' && user && !busy) return <Navigate to={targetOf(location.state, user)} replace />;

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      const me = await login(v.username.trim(), v.password);
      navigate(targetOf(location.state, me), { replace: true });
    } catch (err) {
      setError(err instanceof ApiError ? err.display : `${t('login.failed')}：${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  };

  const fill = (a: DemoAccount) => {
    form.setFieldsValue({ username: a.username, password: a.password });
    setError(null);
  };

  const passwords = new Set(config.demoAccounts.map((a) => a.password));
  const sharedPassword = passwords.size === 1 ? [...passwords][0] : null;

  return (
    <div className="m-login">
      <div className="m-login-brand">
        <span className="m-logo">{t('app.mark')}</span>
        <div>
          <div className="m-login-name">{t('app.name')}</div>
          <div className="m-login-sub">{t('app.subtitle')}</div>
        </div>
      </div>
      {expired && !error && <NoticeBar content={t('login.expired')} color="alert" wrap />}
      {error && <NoticeBar content={error} color="error" wrap data-testid="login-error" />}
      <Form
        form={form}
        layout="horizontal"
        mode="card"
        requiredMarkStyle="none"
        onFinish={(v: Values) => void submit(v)}
        footer={
          <Button block type="submit" color="primary" size="large" loading={busy} data-testid="login-submit">
            {t('login.submit')}
          </Button>
        }
      >
        <Form.Item name="username" label={t('login.username')} rules={[{ required: true, message: t('login.usernameRequired') }]}>
          <TestId id="login-username">
            <Input placeholder={t('login.username')} autoComplete="username" clearable />
          </TestId>
        </Form.Item>
        <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.passwordRequired') }]}>
          <TestId id="login-password">
            <Input placeholder={t('login.password')} type="password" autoComplete="current-password" />
          </TestId>
        </Form.Item>
      </Form>

      {config.demo && config.demoAccounts.length > 0 && (
        <List
          mode="card"
          header={sharedPassword ? `${t('m.login.demoTitle')} · ${t('m.login.demoPassword', { password: sharedPassword })}` : t('m.login.demoTitle')}
          data-testid="demo-accounts"
        >
          {config.demoAccounts.map((a) => (
            <List.Item
              key={a.username}
              onClick={() => fill(a)}
              extra={<Tag color={a.role === 'resident' ? 'success' : 'primary'} fill="outline">{tx(`role.${a.role}`, a.role)}</Tag>}
              description={a.displayName}
              data-testid={`demo-account-${a.username}`}
            >
              {a.username}
            </List.Item>
          ))}
        </List>
      )}

      <div className="m-login-lang">
        <LanguageSwitch />
        {config.version && <div className="m-muted m-small">{t('login.version', { version: config.version })}</div>}
      </div>
    </div>
  );
}
