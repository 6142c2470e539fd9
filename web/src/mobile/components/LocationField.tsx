import { lazy, Suspense, useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Button, List, Popup, SpinLoading } from 'antd-mobile';
import { EnvironmentOutline } from 'antd-mobile-icons';
import { ApiError } from '../../shared/api';
import { geoApi } from '../../shared/geo';
import { useT } from '../../shared/i18n';
import type { DraftLocation } from '../lib/outbox';
import { currentPosition, PositionFailure, type FixError } from '../lib/position';
import { readJson, writeJson } from '../lib/storage';
import { PageLoading } from './PageLoading';

const MapPicker = lazy(() => import('../map/MapPicker'));

interface Props {
  value: DraftLocation | null;
  onChange: (loc: DraftLocation | null) => void;
  /** Start locating by GPS right away when there is no location yet. */
  autoLocate?: boolean;
}

type Place = { text: string } | { outside: true } | null;

/**
 * GPS first (it starts by itself); the map when the phone cannot or may not locate. The grid the
 * point falls in is shown so the reporter can see it landed in the right place.
 */
export function LocationField({ value, onChange, autoLocate = true }: Props) {
  const t = useT();
  const [locating, setLocating] = useState(false);
  const [failure, setFailure] = useState<FixError | null>(null);
  const [mapOpen, setMapOpen] = useState(false);
  const [place, setPlace] = useState<Place>(value?.place ? { text: value.place } : null);
  const valueRef = useRef(value);
  valueRef.current = value;
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  const lookUp = useCallback(async (loc: DraftLocation) => {
    try {
      const r = await geoApi.locate(loc.lng, loc.lat);
      const text = `${r.community.name} · ${r.grid.name}`;
      setPlace({ text });
      const cur = valueRef.current;
      if (cur && cur.lng === loc.lng && cur.lat === loc.lat) onChangeRef.current({ ...cur, place: text });
    } catch (err) {
      // 404/422: the point is in no grid of this city. Offline: just no name.
      if (err instanceof ApiError && (err.status === 404 || err.status === 422)) setPlace({ outside: true });
    }
  }, []);

  const set = useCallback(
    (loc: DraftLocation) => {
      setPlace(null);
      onChangeRef.current(loc);
      void lookUp(loc);
    },
    [lookUp],
  );

  const locate = useCallback(async () => {
    setLocating(true);
    setFailure(null);
    try {
      const fix = await currentPosition();
      writeJson('lastFix', [fix.lng, fix.lat]);
      set({ lng: fix.lng, lat: fix.lat, accuracy: fix.accuracy, source: 'gps', place: null });
    } catch (err) {
      setFailure(err instanceof PositionFailure ? err.reason : 'unavailable');
    } finally {
      setLocating(false);
    }
  }, [set]);

  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    if (!valueRef.current && autoLocate) void locate();
    else if (valueRef.current && !valueRef.current.place) void lookUp(valueRef.current);
  }, [autoLocate, locate, lookUp]);

  const start: [number, number] | null = value ? [value.lng, value.lat] : readJson<[number, number] | null>('lastFix', null);

  let status: ReactNode;
  if (locating) {
    status = (
      <span className="m-muted">
        <SpinLoading style={{ '--size': '14px', display: 'inline-block', verticalAlign: 'middle' }} /> {t('m.report.locating')}
      </span>
    );
  } else if (value) {
    const how = value.source === 'gps' ? t('m.report.gps') : t('m.report.mapPicked');
    const acc = value.source === 'gps' && value.accuracy ? ` · ${t('m.report.gpsAccuracy', { m: Math.round(value.accuracy) })}` : '';
    status = (
      <div>
        <div>
          {place && 'outside' in place ? <span className="m-warn-text">{t('m.report.outsideCity')}</span> : (place?.text ?? value.place ?? `${value.lat.toFixed(5)}, ${value.lng.toFixed(5)}`)}
        </div>
        <div className="m-muted m-small">
          {how}
          {acc}
        </div>
      </div>
    );
  } else if (failure) {
    status = <span className="m-warn-text">{t(`m.report.gps.${failure}`)}</span>;
  } else {
    status = <span className="m-muted">{t('m.report.locationNone')}</span>;
  }

  return (
    <>
      <List.Item
        prefix={<EnvironmentOutline className="m-loc-icon" />}
        description={
          <div className="m-loc-buttons">
            <Button size="mini" fill="outline" onClick={() => void locate()} loading={locating} data-testid="location-gps">
              {t('m.report.relocate')}
            </Button>
            <Button size="mini" fill={failure && !value ? 'solid' : 'outline'} color="primary" onClick={() => setMapOpen(true)} data-testid="location-map">
              {t('m.report.pickOnMap')}
            </Button>
          </div>
        }
        data-testid="location-field"
        data-source={value?.source ?? ''}
        data-state={locating ? 'locating' : value ? 'set' : failure ? `failed-${failure}` : 'none'}
      >
        {status}
      </List.Item>
      <Popup visible={mapOpen} onMaskClick={() => setMapOpen(false)} onClose={() => setMapOpen(false)} bodyClassName="m-map-popup" destroyOnClose>
        <div className="m-popup-title">{t('m.map.title')}</div>
        <Suspense fallback={<PageLoading />}>
          {mapOpen && (
            <MapPicker
              start={start}
              onPick={(lng, lat) => {
                setMapOpen(false);
                set({ lng, lat, accuracy: null, source: 'map', place: null });
              }}
            />
          )}
        </Suspense>
      </Popup>
    </>
  );
}
