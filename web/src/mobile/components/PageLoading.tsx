import { SpinLoading } from 'antd-mobile';

export function PageLoading() {
  return (
    <div className="m-center" data-testid="page-loading">
      <SpinLoading color="primary" />
    </div>
  );
}
