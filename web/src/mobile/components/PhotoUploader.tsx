import { useCallback, useRef, useState } from 'react';
import { ImageUploader, ProgressBar, Toast, type ImageUploaderProps, type ImageUploadItem } from 'antd-mobile';
import { errorMessage } from '../../shared/api';
import { useT } from '../../shared/i18n';
import { uploadUrl } from '../../shared/tickets';
import { isRetryable, uploadFile } from '../lib/http';
import { shrinkPhoto } from '../lib/image';
import type { DraftPhoto } from '../lib/outbox';
import { TestId } from './TestId';

export const MAX_PHOTOS = 9;

interface Props {
  value: DraftPhoto[];
  onChange: (photos: DraftPhoto[]) => void;
  /** Told whether uploads are still running (the form waits for them before submitting). */
  onBusyChange?: (busy: boolean) => void;
  /** Told how many photos failed to upload (they stay shown in red until retried or deleted; the form must not drop them silently). */
  onFailedChange?: (failed: number) => void;
  testId?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Photos go to /api/uploads the moment they are taken (shrunk on the phone first), so submitting
 * later only sends their ids. A dropped connection is retried a few times before the photo is
 * shown as failed; the overall progress is shown under the thumbnails.
 */
export function PhotoUploader({ value, onChange, onBusyChange, onFailedChange, testId = 'photo-input' }: Props) {
  const t = useT();
  const progress = useRef(new Map<File, { done: number; size: number }>());
  const [percent, setPercent] = useState<number | null>(null);

  const refresh = useCallback(() => {
    const all = [...progress.current.values()];
    if (!all.length) return setPercent(null);
    const total = all.reduce((s, p) => s + p.size, 0) || 1;
    setPercent(Math.round((all.reduce((s, p) => s + p.done * p.size, 0) / total) * 100));
  }, []);

  const upload = async (file: File): Promise<ImageUploadItem> => {
    progress.current.set(file, { done: 0, size: file.size });
    refresh();
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const res = await uploadFile(file, (f) => {
            progress.current.set(file, { done: f, size: file.size });
            refresh();
          });
          return { key: res.id, url: uploadUrl(res.id), extra: { id: res.id } };
        } catch (err) {
          if (attempt >= 3 || !isRetryable(err)) {
            Toast.show({ icon: 'fail', content: t('m.report.uploadFailed', { error: errorMessage(err) }) });
            throw err;
          }
          await sleep(1500 * attempt);
        }
      }
    } finally {
      progress.current.delete(file);
      refresh();
    }
  };

  const items: ImageUploadItem[] = value.map((p) => ({ key: p.id, url: p.url, extra: { id: p.id } }));

  return (
    <div className="m-photos">
      <TestId id={testId} selector="input[type=file]">
        <ImageUploader
          value={items}
          onChange={(list) => onChange(list.map((i) => ({ id: String((i.extra as { id?: string } | undefined)?.id ?? i.key), url: i.url })))}
          upload={upload}
          beforeUpload={(file) => shrinkPhoto(file)}
          onUploadQueueChange={(tasks: Parameters<NonNullable<ImageUploaderProps['onUploadQueueChange']>>[0]) => {
            onBusyChange?.(tasks.some((x) => x.status === 'pending'));
            onFailedChange?.(tasks.filter((x) => x.status === 'fail').length);
          }}
          accept="image/*"
          capture="environment"
          multiple
          maxCount={MAX_PHOTOS}
          onCountExceed={() => Toast.show(t('m.report.photosHint', { n: MAX_PHOTOS }))}
          data-testid={`${testId}-list`}
        />
      </TestId>
      {percent !== null && (
        <div className="m-upload-progress" data-testid={`${testId}-progress`}>
          <ProgressBar percent={percent} text={t('m.report.uploading', { percent })} />
        </div>
      )}
    </div>
  );
}
