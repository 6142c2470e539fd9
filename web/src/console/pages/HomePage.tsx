import { Link } from 'react-router-dom';
import { Button, Card, Col, Descriptions, Row, Space, Tag, Typography } from 'antd';
import { ApartmentOutlined, AuditOutlined, EnvironmentOutlined, TeamOutlined } from '@ant-design/icons';
import { useAuth } from '../../shared/auth';
import { useT } from '../../shared/i18n';
import { useLabels } from '../labels';

export function HomePage() {
  const t = useT();
  const labels = useLabels();
  const { user, can } = useAuth();
  if (!user) return null;
  const scopeQuery = user.scope ? `?code=${encodeURIComponent(user.scope.code)}` : '';

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={14}>
        <Card title={t('home.welcome', { name: user.displayName })} data-testid="home-card">
          <Descriptions
            column={1}
            size="small"
            items={[
              { key: 'username', label: t('home.username'), children: user.username },
              { key: 'role', label: t('home.role'), children: labels.role(user.role) },
              {
                key: 'scope',
                label: t('home.scope'),
                children: user.scope ? (
                  <Space size={4}>
                    <span>{user.scope.name}</span>
                    <Tag>{labels.level(user.scope.level)}</Tag>
                    <Typography.Text type="secondary" copyable>
                      {user.scope.code}
                    </Typography.Text>
                  </Space>
                ) : (
                  t('header.noScope')
                ),
              },
              { key: 'dept', label: t('home.department'), children: user.department || t('common.none') },
              {
                key: 'perms',
                label: t('home.permissions'),
                children: (
                  <Space size={[4, 4]} wrap>
                    {user.permissions.map((p) => (
                      <Tag key={p}>{labels.perm(p)}</Tag>
                    ))}
                  </Space>
                ),
              },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} lg={10}>
        <Card title={t('home.quickLinks')}>
          <Space orientation="vertical" style={{ width: '100%' }}>
            {can('region.read') && (
              <Link to={`/regions${scopeQuery}`}>
                <Button block icon={<ApartmentOutlined />}>
                  {t('home.openRegions')}
                </Button>
              </Link>
            )}
            {can('region.read') && (
              <Link to={`/map${scopeQuery}`}>
                <Button block icon={<EnvironmentOutlined />}>
                  {t('home.openMap')}
                </Button>
              </Link>
            )}
            {can('user.read') && (
              <Link to="/users">
                <Button block icon={<TeamOutlined />}>
                  {t('home.openUsers')}
                </Button>
              </Link>
            )}
            {can('audit.read') && (
              <Link to="/audit">
                <Button block icon={<AuditOutlined />}>
                  {t('home.openAudit')}
                </Button>
              </Link>
            )}
          </Space>
        </Card>
      </Col>
    </Row>
  );
}
