import { Image, ImageViewer } from 'antd-mobile';
import { uploadUrl } from '../../shared/tickets';

/** Thumbnails of uploaded photos; a tap opens the full-screen viewer. */
export function PhotoGrid({ ids, testId }: { ids: string[]; testId?: string }) {
  if (!ids.length) return null;
  const urls = ids.map(uploadUrl);
  return (
    <div className="m-photo-grid" data-testid={testId}>
      {urls.map((u, i) => (
        <Image key={u} src={u} width={76} height={76} fit="cover" lazy style={{ borderRadius: 6 }} onClick={() => ImageViewer.Multi.show({ images: urls, defaultIndex: i })} />
      ))}
    </div>
  );
}
