import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Drawer, Form, Input, Select, Space, Switch, Table, Tag, Tooltip } from 'antd';
import { EditOutlined, PlusOutlined, UnlockOutlined } from '@ant-design/icons';
import { errorMessage } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { usersApi, type UserPatch } from '../../shared/endpoints';
import { useI18n } from '../../shared/i18n';
import { ROLES, type Role, type User } from '../../shared/types';
import { formatTime, useLabels } from '../labels';
import { LoadMoreFooter } from '../components/LoadMoreFooter';
import { useCursorList } from '../components/useCursorList';
import { RegionTreeSelect } from '../regions/RegionTreeSelect';
import { FormErrors, useFormShell } from '../components/formShell';

interface FormValues {
  username: string;
  displayName: string;
  password?: string;
  role: Role;
  scopeCode?: string | null;
  department?: string;
  phone?: string;
  active?: boolean;
}

const FIELDS = ['username', 'displayName', 'password', 'role', 'scopeCode', 'department', 'phone', 'active'] as const;

function isLocked(u: User): boolean {
  return !!u.lockedUntil && new Date(u.lockedUntil).getTime() > Date.now();
}

function emptyToNull(s: string | undefined | null): string | null {
  const v = s?.trim();
  return v ? v : null;
}

function UserDrawer({
  open,
  editing,
  onClose,
  onSaved,
}: {
  open: boolean;
  editing: User | null;
  onClose: () => void;
  onSaved: (u: User | null) => void;
}) {
  const { t } = useI18n();
  const labels = useLabels();
  const { message } = App.useApp();
  const { form, busy, errors, reset, save } = useFormShell<FormValues>(FIELDS);

  useEffect(() => {
    if (!open) return;
    reset();
    if (editing) {
      form.setFieldsValue({
        username: editing.username,
        displayName: editing.displayName,
        role: editing.role,
        scopeCode: editing.scope?.code ?? null,
        department: editing.department ?? '',
        phone: editing.phone ?? '',
        active: editing.active,
        password: '',
      });
    } else {
      form.setFieldsValue({ active: true });
    }
  }, [open, editing, form]);

  const submit = async () => {
    const v = await form.validateFields();
    await save(async () => {
      if (editing) {
        const patch: UserPatch = {
          displayName: v.displayName.trim(),
          role: v.role,
          scopeCode: v.scopeCode ?? null,
          active: !!v.active,
          department: emptyToNull(v.department),
          phone: emptyToNull(v.phone),
        };
        if (v.password) patch.password = v.password;
        const saved = await usersApi.update(editing.id, patch);
        message.success(t('users.updated', { name: saved?.displayName ?? v.displayName }));
        onSaved(saved ?? null);
      } else {
        const saved = await usersApi.create({
          username: v.username.trim(),
          displayName: v.displayName.trim(),
          password: v.password ?? '',
          role: v.role,
          scopeCode: v.scopeCode ?? null,
          department: emptyToNull(v.department),
          phone: emptyToNull(v.phone),
        });
        message.success(t('users.created', { name: saved?.displayName ?? v.displayName }));
        onSaved(saved ?? null);
      }
    });
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={480}
      destroyOnHidden
      title={editing ? t('users.edit', { name: editing.displayName }) : t('users.create')}
      data-testid="user-drawer"
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={busy} onClick={() => void submit().catch(() => undefined)} data-testid="user-save">
            {editing ? t('common.save') : t('common.create')}
          </Button>
        </Space>
      }
    >
      <FormErrors errors={errors} gap={16} />
      <Form form={form} layout="vertical" requiredMark="optional">
        <Form.Item
          name="username"
          label={t('users.username')}
          rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('users.username') }) }]}
        >
          <Input disabled={!!editing} autoComplete="off" maxLength={64} data-testid="user-username" />
        </Form.Item>
        <Form.Item
          name="displayName"
          label={t('users.displayName')}
          rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('users.displayName') }) }]}
        >
          <Input maxLength={64} data-testid="user-display-name-input" />
        </Form.Item>
        <Form.Item
          name="password"
          label={editing ? t('users.resetPassword') : t('users.password')}
          extra={t('password.hint')}
          rules={[{ required: !editing, message: t('common.required', { field: t('users.password') }) }]}
        >
          <Input.Password autoComplete="new-password" data-testid="user-password" />
        </Form.Item>
        <Form.Item name="role" label={t('users.role')} rules={[{ required: true, message: t('common.required', { field: t('users.role') }) }]}>
          <Select options={ROLES.map((r) => ({ value: r, label: labels.role(r) }))} data-testid="user-role" />
        </Form.Item>
        <Form.Item name="scopeCode" label={t('users.scope')}>
          <RegionTreeSelect placeholder={t('users.scopePlaceholder')} />
        </Form.Item>
        <Form.Item name="department" label={t('users.department')}>
          <Input maxLength={128} />
        </Form.Item>
        <Form.Item name="phone" label={t('users.phone')}>
          <Input maxLength={32} />
        </Form.Item>
        {editing && (
          <Form.Item name="active" label={t('users.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        )}
      </Form>
    </Drawer>
  );
}

export default function UsersPage() {
  const { t, lang } = useI18n();
  const labels = useLabels();
  const { can } = useAuth();
  const { message } = App.useApp();
  const [q, setQ] = useState('');
  const [role, setRole] = useState<Role | undefined>();
  const [drawer, setDrawer] = useState<{ open: boolean; editing: User | null }>({ open: false, editing: null });
  const canWrite = can('user.write');

  // search is triggered explicitly (Enter / button) or by the role filter
  const { items, setItems, cursor, loading, error, load } = useCursorList<User>(
    (from) => usersApi.list({ q: q.trim() || undefined, role, cursor: from, limit: 50 }),
    [role],
  );

  const unlock = async (u: User) => {
    try {
      await usersApi.unlock(u.id);
      message.success(t('users.unlocked', { name: u.displayName }));
      setItems((prev) => prev.map((x) => (x.id === u.id ? { ...x, lockedUntil: null } : x)));
    } catch (err) {
      message.error(errorMessage(err));
    }
  };

  const onSaved = (u: User | null) => {
    setDrawer({ open: false, editing: null });
    if (u && items.some((x) => x.id === u.id)) setItems((prev) => prev.map((x) => (x.id === u.id ? u : x)));
    else void load(null);
  };

  return (
    <Card
      title={t('users.title')}
      size="small"
      extra={
        canWrite && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setDrawer({ open: true, editing: null })} data-testid="user-create">
            {t('users.create')}
          </Button>
        )
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder={t('users.search')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onSearch={() => void load(null)}
          style={{ width: 280 }}
          data-testid="user-search"
        />
        <Select<Role>
          allowClear
          placeholder={t('users.roleFilter')}
          value={role}
          onChange={(v) => setRole(v)}
          style={{ width: 180 }}
          options={ROLES.map((r) => ({ value: r, label: labels.role(r) }))}
        />
      </Space>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Table<User>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={items}
        pagination={false}
        scroll={{ x: 1000 }}
        data-testid="user-table"
        columns={[
          { title: t('users.username'), dataIndex: 'username', width: 130 },
          { title: t('users.displayName'), dataIndex: 'displayName', width: 120 },
          { title: t('users.role'), dataIndex: 'role', width: 130, render: (r: Role) => labels.role(r) },
          {
            title: t('users.scope'),
            key: 'scope',
            render: (_: unknown, u) =>
              u.scope ? (
                <Tooltip title={u.scope.code}>
                  {u.scope.name} <span className="muted-level">{labels.level(u.scope.level)}</span>
                </Tooltip>
              ) : (
                t('common.none')
              ),
          },
          { title: t('users.department'), dataIndex: 'department', ellipsis: true },
          { title: t('users.phone'), dataIndex: 'phone', width: 130 },
          {
            title: t('users.status'),
            key: 'status',
            width: 120,
            render: (_: unknown, u) => (
              <Space size={4} wrap>
                {u.active ? <Tag color="green">{t('users.statusActive')}</Tag> : <Tag>{t('users.statusDisabled')}</Tag>}
                {isLocked(u) && (
                  <Tooltip title={t('users.lockedUntil', { time: formatTime(u.lockedUntil, lang) })}>
                    <Tag color="orange">{t('users.statusLocked')}</Tag>
                  </Tooltip>
                )}
              </Space>
            ),
          },
          { title: t('users.createdAt'), dataIndex: 'createdAt', width: 170, render: (v: string) => formatTime(v, lang) },
          ...(canWrite
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  width: 150,
                  fixed: 'right' as const,
                  render: (_: unknown, u: User) => (
                    <Space size={4}>
                      <Button size="small" icon={<EditOutlined />} onClick={() => setDrawer({ open: true, editing: u })}>
                        {t('common.edit')}
                      </Button>
                      {isLocked(u) && (
                        <Button size="small" icon={<UnlockOutlined />} onClick={() => void unlock(u)}>
                          {t('users.unlock')}
                        </Button>
                      )}
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
        footer={() => (
          <LoadMoreFooter shown={items.length} cursor={cursor} loading={loading} onMore={() => void load(cursor)} />
        )}
      />
      <UserDrawer open={drawer.open} editing={drawer.editing} onClose={() => setDrawer({ open: false, editing: null })} onSaved={onSaved} />
    </Card>
  );
}
