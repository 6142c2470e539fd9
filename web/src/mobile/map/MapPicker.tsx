import { useEffect, useRef, useState } from 'react';
import { Button, NoticeBar, Toast } from 'antd-mobile';
import { EnvironmentOutline } from 'antd-mobile-icons';
import { ApiError } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { geoApi } from '../../shared/geo';
import { usePublicConfig } from '../../shared/config';
import { useT } from '../../shared/i18n';
import { currentPosition, PositionFailure } from '../lib/position';
import { createMap, display, drawScopeGrids, FALLBACK_CENTER, followGridsAround, L } from './base';

export interface MapPickerProps {
  /** WGS84 [lng, lat] to start at. */
  start: [number, number] | null;
  onPick: (lng: number, lat: number) => void;
}

/**
 * Pick a point by moving the map under a fixed pin (a tap also moves the map there): easier
 * with a thumb than dragging a marker. Returns WGS84 whatever the tiles' CRS.
 */
export default function MapPicker({ start, onPick }: MapPickerProps) {
  const t = useT();
  const { user } = useAuth();
  const { config } = usePublicConfig();
  const el = useRef<HTMLDivElement | null>(null);
  const mapRef = useRef<L.Map | null>(null);
  const d = display(config);
  const dRef = useRef(d);
  dRef.current = d;

  useEffect(() => {
    if (!el.current) return;
    const map = createMap(el.current, config, { zoomControl: true });
    mapRef.current = map;
    const [lng, lat] = start ?? FALLBACK_CENTER;
    map.setView(dRef.current.toMap(lng, lat), start ? 17 : 13);
    map.on('click', (e: L.LeafletMouseEvent) => map.panTo(e.latlng));
    // Name the grid under the pin as the map moves: without tiles, that is what tells places apart.
    let timer: number | undefined;
    let asked = 0;
    const name = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => {
        const my = ++asked;
        const [x, y] = dRef.current.fromMap(map.getCenter());
        geoApi
          .locate(x, y)
          .then((r) => my === asked && setPlace(`${r.community.name} · ${r.grid.name}`))
          .catch((err: unknown) => my === asked && setPlace(err instanceof ApiError && err.status === 404 ? false : null));
      }, 350);
    };
    map.on('moveend', name);
    name();
    const ctl = new AbortController();
    const stopGrids = user?.permissions.includes('region.read') ? null : followGridsAround(map, dRef.current);
    // Staff without a starting point: open on their own grid.
    drawScopeGrids(map, user, dRef.current, ctl.signal)
      .then((b) => {
        if (b && !start && !ctl.signal.aborted) map.fitBounds(b, { padding: [16, 16] });
      })
      .catch(() => undefined);
    const ro = new ResizeObserver(() => map.invalidateSize());
    ro.observe(el.current);
    return () => {
      window.clearTimeout(timer);
      ctl.abort();
      stopGrids?.();
      ro.disconnect();
      map.remove();
      mapRef.current = null;
    };
    // The map is made once per opening of the picker.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const [locating, setLocating] = useState(false);
  /** The grid under the pin; false: outside every grid; null: not known (yet, or offline). */
  const [place, setPlace] = useState<string | false | null>(null);
  const toMe = async () => {
    setLocating(true);
    try {
      const fix = await currentPosition(8000);
      mapRef.current?.setView(d.toMap(fix.lng, fix.lat), 17);
    } catch (err) {
      const reason = err instanceof PositionFailure ? err.reason : 'unavailable';
      Toast.show(t(`m.report.gps.${reason}`));
    } finally {
      setLocating(false);
    }
  };

  const confirm = () => {
    const map = mapRef.current;
    if (!map) return;
    const [lng, lat] = d.fromMap(map.getCenter());
    onPick(lng, lat);
  };

  return (
    <div className="m-mappicker">
      {!config.tileUrl && <NoticeBar content={user?.permissions.includes('region.read') ? t('m.map.noTiles') : t('m.map.noTilesResident')} color="info" wrap />}
      <div className="m-mappicker-map">
        <div ref={el} className="m-map-canvas" data-testid="map-picker" />
        <div className="m-map-pin" aria-hidden>
          <EnvironmentOutline />
        </div>
        <Button className="m-map-me" size="small" shape="rounded" loading={locating} onClick={() => void toMe()} data-testid="map-my-location">
          {t('m.map.myLocation')}
        </Button>
      </div>
      <div className="m-mappicker-foot">
        <div className="m-map-place" data-testid="map-place">
          {place === false ? <span className="m-warn-text">{t('m.report.outsideCity')}</span> : (place ?? <span className="m-muted">{t('m.map.hint')}</span>)}
        </div>
        <Button block color="primary" size="large" onClick={confirm} data-testid="map-confirm">
          {t('m.map.confirm')}
        </Button>
      </div>
    </div>
  );
}
