/** navigator.geolocation as a promise, with the reasons a phone says no told apart. */
export interface Fix {
  lng: number;
  lat: number;
  accuracy: number | null;
}

export type FixError = 'unsupported' | 'insecure' | 'denied' | 'unavailable' | 'timeout';

export class PositionFailure extends Error {
  constructor(readonly reason: FixError) {
    super(reason);
  }
}

export function currentPosition(timeoutMs = 12000): Promise<Fix> {
  if (!('geolocation' in navigator)) return Promise.reject(new PositionFailure('unsupported'));
  // Browsers only locate in secure contexts (HTTPS, localhost).
  if (window.isSecureContext === false) return Promise.reject(new PositionFailure('insecure'));
  return new Promise((resolve, reject) => {
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lng: p.coords.longitude, lat: p.coords.latitude, accuracy: Number.isFinite(p.coords.accuracy) ? p.coords.accuracy : null }),
      (e) =>
        reject(new PositionFailure(e.code === e.PERMISSION_DENIED ? 'denied' : e.code === e.TIMEOUT ? 'timeout' : 'unavailable')),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 60_000 },
    );
  });
}
