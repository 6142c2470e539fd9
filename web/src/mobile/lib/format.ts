/** Dates for small screens: "今天 14:05", "3月2日 09:10", "2024年3月2日". */
const pad = (n: number) => String(n).padStart(2, '0');

export function shortTime(iso: string | null | undefined, lang: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const now = new Date();
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const sameDay = d.toDateString() === now.toDateString();
  const en = lang === 'en';
  if (sameDay) return en ? `Today ${hm}` : `今天 ${hm}`;
  const y = new Date(now);
  y.setDate(now.getDate() - 1);
  if (d.toDateString() === y.toDateString()) return en ? `Yesterday ${hm}` : `昨天 ${hm}`;
  if (d.getFullYear() === now.getFullYear()) {
    return en ? `${d.toLocaleString('en', { month: 'short' })} ${d.getDate()} ${hm}` : `${d.getMonth() + 1}月${d.getDate()}日 ${hm}`;
  }
  return en ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` : `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`;
}

export function fullTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
