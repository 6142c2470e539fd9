import { useEffect, useState } from 'react';
import { App, Upload, type UploadFile } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { errorMessage } from '../../shared/api';
import { useT } from '../../shared/i18n';
import { uploadsApi, uploadUrl } from '../../shared/tickets';

interface Props {
  /** upload ids (what the API's `photos` takes) */
  value?: string[];
  onChange?: (ids: string[]) => void;
  /** true while a file is still on its way (hold the submit button) */
  onBusyChange?: (busy: boolean) => void;
  max?: number;
  id?: string;
  'data-testid'?: string;
}

/** Photos as a picture wall: each file goes to POST /api/uploads at once; the form holds the ids. */
export function PhotoUpload({ value, onChange, onBusyChange, max = 9, id, ...rest }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const [files, setFiles] = useState<UploadFile<{ id: string }>[]>(() =>
    (value ?? []).map((v) => ({ uid: v, name: v, status: 'done', url: uploadUrl(v), response: { id: v } })),
  );

  // A form reset empties the value: empty the wall too.
  useEffect(() => {
    if ((value ?? []).length === 0 && files.length > 0 && files.every((f) => f.status !== 'uploading')) setFiles([]);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);

  return (
    <div id={id} data-testid={rest['data-testid']}>
      <Upload<{ id: string }>
        listType="picture-card"
        accept="image/jpeg,image/png,image/webp,image/heic,image/*"
        multiple
        fileList={files}
        maxCount={max}
        beforeUpload={(_f, list) => {
          if (files.length + list.length > max) {
            message.warning(t('ticket.photo.tooMany', { n: max }));
            return Upload.LIST_IGNORE;
          }
          return true;
        }}
        customRequest={({ file, onSuccess, onError }) => {
          uploadsApi
            .upload(file as File)
            .then((r) => onSuccess?.(r))
            .catch((err: unknown) => {
              message.error(t('ticket.photo.failed', { msg: errorMessage(err) }));
              onError?.(err instanceof Error ? err : new Error(String(err)));
            });
        }}
        onChange={({ fileList }) => {
          const kept = fileList.filter((f) => f.status !== 'error');
          setFiles(kept);
          onBusyChange?.(kept.some((f) => f.status === 'uploading'));
          const ids = kept.filter((f) => f.status === 'done' && f.response?.id).map((f) => f.response!.id);
          onChange?.(ids);
        }}
      >
        {files.length >= max ? null : (
          <button type="button" className="photo-upload-button">
            <PlusOutlined />
            <div style={{ marginTop: 4 }}>{t('ticket.photo.add')}</div>
          </button>
        )}
      </Upload>
    </div>
  );
}
