/**
 * Normalised address for matching the same house across departments' spellings:
 * full-width → half-width (NFKC), no spaces or punctuation, 栋/幢/座 after a number → 号楼,
 * trailing 室 or 号 dropped, 第N → N.
 */
export function normaliseAddress(address: string): string {
  return address
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s,，。.、·()（）]/g, '')
    .replace(/[－—–~～]/g, '-')
    .replace(/第(\d+)/g, '$1')
    .replace(/(\d)(栋|幢|座|号楼|楼)/g, '$1号楼')
    .replace(/(\d)(室|号)$/g, '$1');
}
