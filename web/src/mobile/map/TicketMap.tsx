import { useEffect, useRef } from 'react';
import { useAuth } from '../../shared/auth';
import { usePublicConfig } from '../../shared/config';
import { createMap, display, drawScopeGrids, followGridsAround, L } from './base';

/** A small, still map of where a ticket is (WGS84 in). */
export default function TicketMap({ lng, lat }: { lng: number; lat: number }) {
  const { user } = useAuth();
  const { config } = usePublicConfig();
  const el = useRef<HTMLDivElement | null>(null);

  useEffect(() => {
    if (!el.current) return;
    const d = display(config);
    const map = createMap(el.current, config, { dragging: true, scrollWheelZoom: false, doubleClickZoom: true, touchZoom: true });
    const at = d.toMap(lng, lat);
    map.setView(at, 17);
    L.circle(at, { radius: 25, color: '#c8161d', weight: 1, fillOpacity: 0.12, interactive: false }).addTo(map);
    L.circleMarker(at, { radius: 8, color: '#fff', weight: 2, fillColor: '#c8161d', fillOpacity: 1, interactive: false }).addTo(map);
    const ctl = new AbortController();
    drawScopeGrids(map, user, d, ctl.signal).catch(() => undefined);
    const stopGrids = user?.permissions.includes('region.read') ? null : followGridsAround(map, d);
    return () => {
      ctl.abort();
      stopGrids?.();
      map.remove();
    };
  }, [lng, lat, config, user]);

  return <div ref={el} className="m-ticket-map" data-testid="ticket-map" />;
}
