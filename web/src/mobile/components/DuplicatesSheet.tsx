import { Button, List, Popup, Tag } from 'antd-mobile';
import { useI18n } from '../../shared/i18n';
import { STATUS_COLOR, ticketLabels, type DuplicateDto } from '../../shared/tickets';
import { shortTime } from '../lib/format';

interface Props {
  items: DuplicateDto[] | null;
  onContinue: () => void;
  onBack: () => void;
  /** Staff may open a similar ticket; a resident can see only their own. */
  onOpen?: (d: DuplicateDto) => void;
}

/** 附近已有人反映: similar open matters nearby, before a new one is created. */
export function DuplicatesSheet({ items, onContinue, onBack, onOpen }: Props) {
  const { t, tx, lang } = useI18n();
  const labels = ticketLabels(tx);
  return (
    <Popup visible={!!items?.length} onMaskClick={onBack} onClose={onBack} bodyClassName="m-sheet" destroyOnClose>
      <div className="m-popup-title">{t('m.report.dupTitle')}</div>
      <div className="m-sheet-hint">{t('m.report.dupHint')}</div>
      <List data-testid="duplicates-list">
        {(items ?? []).map((d) => (
          <List.Item
            key={d.id}
            data-testid="duplicate-item"
            onClick={onOpen ? () => onOpen(d) : undefined}
            arrowIcon={onOpen ? undefined : false}
            description={`${t('m.report.dupDistance', { m: Math.round(d.distanceM) })} · ${shortTime(d.createdAt, lang)}`}
            extra={
              <Tag color={STATUS_COLOR[d.status]} fill="outline">
                {labels.status(d.status)}
              </Tag>
            }
          >
            {d.title}
          </List.Item>
        ))}
      </List>
      <div className="m-sheet-foot">
        <Button block onClick={onBack} data-testid="duplicates-back">
          {t('m.report.dupBack')}
        </Button>
        <Button block color="primary" onClick={onContinue} data-testid="duplicates-continue">
          {t('m.report.dupContinue')}
        </Button>
      </div>
    </Popup>
  );
}
