import { useState } from 'react';
import { Navigate, useLocation, useNavigate, type Location } from 'react-router-dom';
import { Alert, Button, Card, Form, Input, Table, Typography } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { ApiError, errorMessage } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { usePublicConfig } from '../../shared/config';
import { useT } from '../../shared/i18n';
import type { DemoAccount } from '../../shared/types';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useLabels } from '../labels';

interface Values {
  username: string;
  password: string;
}

function targetOf(state: unknown): string {
  const from = (state as { from?: Location } | null)?.from;
  if (!from || from.pathname === '/login') return '/';
  return `${from.pathname}${from.search ?? ''}${from.hash ?? ''}`;
}

export function LoginPage() {
  const t = useT();
  const labels = useLabels();
  const { user, status, login, expired } = useAuth();
  const { config } = usePublicConfig();
  const location = useLocation();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ title: string; detail?: string } | null>(null);

  const target = targetOf(location.state);
  const passwords = new Set(config.demoAccounts.map((a) => a.password));
  const sharedPassword = passwords.size === 1 ? [...passwords][0] : null;
  if (status === 'ready' && user && !busy) return <Navigate to={target} replace />;

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      await login(v.username.trim(), v.password);
      navigate(target, { replace: true });
    } catch (err) {
      if (err instanceof ApiError) setError({ title: err.problem.title, detail: err.problem.detail });
      else setError({ title: t('login.failed'), detail: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  const fill = (a: DemoAccount) => {
    form.setFieldsValue({ username: a.username, password: a.password });
    setError(null);
  };

  return (
    <div className="login-page">
      <div className="login-lang">
        <LanguageSwitch />
      </div>
      <div className="login-box">
        <div className="login-brand">
          <span className="console-logo-mark big">{t('app.mark')}</span>
          <div>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {t('app.name')} <span className="login-brand-en">Gridwork</span>
            </Typography.Title>
            <Typography.Text type="secondary">{t('app.subtitle')}</Typography.Text>
          </div>
        </div>
        <Card title={t('login.title')}>
          {expired && !error && <Alert type="warning" showIcon title={t('login.expired')} style={{ marginBottom: 16 }} />}
          {error && (
            <Alert
              type="error"
              showIcon
              title={error.title}
              description={error.detail && error.detail !== error.title ? error.detail : undefined}
              style={{ marginBottom: 16 }}
              data-testid="login-error"
            />
          )}
          <Form<Values> form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark={false}>
            <Form.Item name="username" label={t('login.username')} rules={[{ required: true, message: t('login.usernameRequired') }]}>
              <Input prefix={<UserOutlined />} autoComplete="username" autoFocus data-testid="login-username" />
            </Form.Item>
            <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.passwordRequired') }]}>
              <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
              {t('login.submit')}
            </Button>
          </Form>
        </Card>
        {config.demo && config.demoAccounts.length > 0 && (
          <Alert
            className="login-demo"
            type="info"
            showIcon
            data-testid="demo-accounts"
            title={t('login.demoTitle')}
            description={
              <>
                <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
                  {t('login.demoHint')}
                </Typography.Paragraph>
                {sharedPassword && (
                  <Typography.Paragraph style={{ marginBottom: 8 }}>
                    {t('login.password')}：<Typography.Text code copyable>{sharedPassword}</Typography.Text>
                  </Typography.Paragraph>
                )}
                <Table<DemoAccount>
                  size="small"
                  pagination={false}
                  rowKey="username"
                  dataSource={config.demoAccounts}
                  onRow={(a) => ({ onClick: () => fill(a), style: { cursor: 'pointer' }, 'data-testid': `demo-account-${a.username}` } as React.HTMLAttributes<HTMLElement>)}
                  columns={[
                    { title: t('login.username'), dataIndex: 'username', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
                    ...(sharedPassword
                      ? []
                      : [{ title: t('login.password'), dataIndex: 'password', render: (v: string) => <Typography.Text code>{v}</Typography.Text> }]),
                    { title: t('users.role'), dataIndex: 'role', render: (v: string) => labels.role(v) },
                    { title: t('users.displayName'), dataIndex: 'displayName' },
                  ]}
                />
              </>
            }
          />
        )}
        {config.version && (
          <Typography.Text type="secondary" className="login-version">
            {t('login.version', { version: config.version })}
          </Typography.Text>
        )}
      </div>
    </div>
  );
}
