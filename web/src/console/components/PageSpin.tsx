import { Spin } from 'antd';

export function PageSpin() {
  return (
    <div className="page-spin">
      <Spin size="large" />
    </div>
  );
}
