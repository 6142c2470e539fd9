/**
 * Photo checks for uploads, in pure TypeScript (no native image library):
 *
 * - the type is taken from the bytes (magic numbers), never from the file name or the
 *   client's Content-Type; only JPEG, PNG and WebP are accepted;
 * - metadata that can carry a location is removed before anything is stored: residents'
 *   photos of a broken street lamp must not publish where they live.
 *
 * Sanitising works on the container only; pixels are copied byte for byte, never decoded or
 * re-encoded, so it is fast and lossless. It keeps an allow-list of what a decoder needs and
 * drops everything else:
 *
 * | format | kept | dropped (among others) |
 * | --- | --- | --- |
 * | JPEG | SOI, frame/scan/table segments, APP0 JFIF, APP2 ICC_PROFILE, APP14 Adobe, EOI | APP1 Exif (GPS IFD, maker notes, thumbnail) and XMP, APP13 Photoshop/IPTC, APP2 MPF, other APPn, COM, bytes after EOI (phones append extra images there) |
 * | PNG | critical chunks, colour/transparency/physical-size/animation chunks | eXIf, tEXt, iTXt, zTXt, tIME, private chunks, bytes after IEND |
 * | WebP | VP8, VP8L, VP8X (EXIF and XMP flags cleared), ALPH, ANIM, ANMF, ICCP | EXIF, XMP, unknown chunks, bytes after the RIFF size |
 *
 * Orientation: when the dropped Exif said the photo is rotated or mirrored (Orientation 2–8),
 * a new minimal Exif block holding only that Orientation tag is written back (JPEG: an APP1
 * segment after SOI/JFIF; PNG: an eXIf chunk after IHDR; WebP: an EXIF chunk at the end, with
 * the VP8X flag set), so phone photos still display upright. Nothing else of the Exif survives.
 */
import { AppError } from '../errors/index.js';

export const IMAGE_TYPES = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
} as const;
export type ImageMime = keyof typeof IMAGE_TYPES;

/** Refuse images whose pixel count could exhaust a phone's memory when shown (decompression bombs). */
export const MAX_IMAGE_PIXELS = 100_000_000;

export interface SanitisedImage {
  mime: ImageMime;
  /** The file as it will be stored: same pixels, no location-bearing metadata. */
  bytes: Buffer;
  width: number | null;
  height: number | null;
  /** What was removed, for the audit trail, e.g. `JPEG APP1 Exif`, `PNG tEXt`. */
  removed: string[];
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The image type from the first bytes, or null when the bytes are not JPEG, PNG or WebP. */
export function sniffImageType(b: Uint8Array): ImageMime | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && PNG_SIGNATURE.every((v, i) => b[i] === v)) return 'image/png';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'image/webp';
  return null;
}

export function unsupportedType(): AppError {
  return new AppError('upload.unsupported_type', {
    detail: { zh: '仅支持 JPEG、PNG 和 WebP 格式的照片（按文件内容判断，与文件名无关）', en: 'only JPEG, PNG and WebP photos are accepted (judged by the content, not the file name)' },
  });
}

function invalid(en: string, zh = '照片文件已损坏或不完整'): AppError {
  return new AppError('upload.invalid_image', { detail: { zh, en } });
}

/**
 * Check the bytes are a JPEG, PNG or WebP image and return them without location metadata.
 * Throws `upload.unsupported_type` for anything else and `upload.invalid_image` when the
 * container is damaged (a damaged file cannot be proven free of metadata, so it is refused).
 */
export function sanitiseImage(bytes: Buffer): SanitisedImage {
  const mime = sniffImageType(bytes);
  if (!mime) throw unsupportedType();
  const r = mime === 'image/jpeg' ? sanitiseJpeg(bytes) : mime === 'image/png' ? sanitisePng(bytes) : sanitiseWebp(bytes);
  if (r.width !== null && r.height !== null && r.width * r.height > MAX_IMAGE_PIXELS) {
    throw invalid(`${r.width}×${r.height} has more than ${MAX_IMAGE_PIXELS / 1e6} million pixels`, `照片像素过多（${r.width}×${r.height}），不能超过 ${MAX_IMAGE_PIXELS / 1e6} 百万像素`);
  }
  return { mime, ...r };
}

type Stripped = Omit<SanitisedImage, 'mime'>;

// ---- JPEG ---------------------------------------------------------------------------------

const SOI = Buffer.from([0xff, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);

/** Start-of-frame markers (baseline, progressive, lossless, arithmetic …): not DHT C4, JPG C8, DAC CC. */
const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
const startsWith = (payload: Buffer, id: string) => payload.length >= id.length && payload.toString('latin1', 0, id.length) === id;

/** APPn and COM segments a decoder needs, or that hold nothing personal; all others are dropped. */
function keepJpegSegment(marker: number, payload: Buffer): boolean {
  if (marker === 0xe0) return startsWith(payload, 'JFIF\0'); // not JFXX: its thumbnail is a JPEG of its own
  if (marker === 0xe2) return startsWith(payload, 'ICC_PROFILE\0'); // colour profile; not MPF, FPXR
  if (marker === 0xee) return startsWith(payload, 'Adobe'); // colour transform for CMYK/YCCK
  return false;
}

function jpegSegmentLabel(marker: number, payload: Buffer): string {
  if (marker === 0xfe) return 'JPEG COM';
  const app = `JPEG APP${marker - 0xe0}`;
  if (startsWith(payload, 'Exif\0')) return `${app} Exif`;
  if (startsWith(payload, 'http://ns.adobe.com/')) return `${app} XMP`;
  const id = /^[\x20-\x7e]{2,16}/.exec(payload.toString('latin1', 0, 16));
  return id ? `${app} ${id[0].trim()}` : app;
}

/** Orientation (tag 0x0112) in IFD0 of a TIFF/Exif block, or null. A leading `Exif\0\0` is skipped. */
export function exifOrientation(exif: Buffer): number | null {
  const tiff = startsWith(exif, 'Exif\0\0') ? exif.subarray(6) : exif;
  if (tiff.length < 8) return null;
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return null;
  const le = order === 'II';
  const u16 = (o: number) => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  if (u16(2) !== 42) return null;
  const ifd0 = u32(4);
  if (ifd0 + 2 > tiff.length) return null;
  const count = u16(ifd0);
  for (let i = 0; i < count; i++) {
    const e = ifd0 + 2 + i * 12;
    if (e + 12 > tiff.length) return null;
    if (u16(e) !== 0x0112) continue;
    // SHORT, one value, stored in the first two bytes of the value field.
    if (u16(e + 2) !== 3 || u32(e + 4) !== 1) return null;
    const v = u16(e + 8);
    return v >= 1 && v <= 8 ? v : null;
  }
  return null;
}

/** A TIFF block (big-endian) holding only IFD0 with one Orientation tag: 26 bytes. */
export function minimalExifTiff(orientation: number): Buffer {
  const t = Buffer.alloc(8 + 2 + 12 + 4);
  t.write('MM', 0, 'latin1');
  t.writeUInt16BE(42, 2);
  t.writeUInt32BE(8, 4); // IFD0 right after the header
  t.writeUInt16BE(1, 8); // one entry
  t.writeUInt16BE(0x0112, 10); // Orientation
  t.writeUInt16BE(3, 12); // SHORT
  t.writeUInt32BE(1, 14); // count 1
  t.writeUInt16BE(orientation, 18); // value, left-justified; bytes 20–21 stay 0
  // next IFD offset 0 (bytes 22–25) ends the chain
  return t;
}

/** A JPEG APP1 Exif segment holding only the Orientation tag. */
export function minimalExifSegment(orientation: number): Buffer {
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), minimalExifTiff(orientation)]);
  const head = Buffer.from([0xff, 0xe1, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/** Orientation worth keeping (2–8: the photo is rotated or mirrored), and whether `exif` was only our own minimal block. */
function orientationOf(exif: Buffer): { orientation: number | null; ours: boolean } {
  const o = exifOrientation(exif);
  const tiff = startsWith(exif, 'Exif\0\0') ? exif.subarray(6) : exif;
  return { orientation: o !== null && o !== 1 ? o : null, ours: o !== null && tiff.equals(minimalExifTiff(o)) };
}

function sanitiseJpeg(b: Buffer): Stripped {
  const out: Buffer[] = [SOI];
  const removed = new Set<string>();
  let width: number | null = null;
  let height: number | null = null;
  let orientation: number | null = null;
  let frame = false;
  let scan = false;
  let ended = false;
  /** Where a rebuilt Exif segment goes: after SOI and a leading JFIF APP0. */
  let exifAt = 1;
  let pos = 2;
  while (pos < b.length) {
    if (b[pos] !== 0xff) {
      // Stray bytes between segments (decoders skip them with a warning): skip to the next marker, dropping them.
      const next = b.indexOf(0xff, pos);
      if (next < 0) break;
      removed.add('JPEG stray bytes');
      pos = next;
      continue;
    }
    let m = pos + 1;
    while (m < b.length && b[m] === 0xff) m++; // fill bytes
    if (m >= b.length) break;
    const marker = b[m]!;
    pos = m + 1;
    if (marker === 0xd9) {
      out.push(EOI);
      ended = true;
      if (pos < b.length) removed.add('JPEG data after EOI');
      break;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      out.push(Buffer.from([0xff, marker])); // parameterless markers
      continue;
    }
    if (marker === 0xd8 || marker === 0x00) throw invalid(`unexpected JPEG marker 0x${marker.toString(16)} at byte ${m}`);
    if (pos + 2 > b.length) throw invalid('JPEG segment header cut short');
    const len = b.readUInt16BE(pos);
    if (len < 2 || pos + len > b.length) throw invalid(`JPEG segment 0x${marker.toString(16)} at byte ${m} runs past the end of the file`);
    const payload = b.subarray(pos + 2, pos + len);
    const segment = b.subarray(m - 1, pos + len);
    pos += len;

    if ((marker >= 0xe0 && marker <= 0xef) || marker === 0xfe) {
      if (!keepJpegSegment(marker, payload)) {
        const o = marker === 0xe1 && startsWith(payload, 'Exif\0\0') ? orientationOf(payload) : { orientation: null, ours: false };
        orientation ??= o.orientation;
        // Our own minimal Exif (from an earlier pass) is rebuilt below, not reported as removed.
        if (!o.ours) removed.add(jpegSegmentLabel(marker, payload));
        continue;
      }
      out.push(segment);
      if (marker === 0xe0 && out.length === exifAt + 1) exifAt = out.length;
      continue;
    }
    if (isSof(marker)) {
      if (payload.length < 6) throw invalid('JPEG frame header too short');
      frame = true;
      height = payload.readUInt16BE(1) || null; // 0 = defined later by DNL
      width = payload.readUInt16BE(3) || null;
    }
    out.push(segment);
    if (marker === 0xda) {
      if (!frame) throw invalid('JPEG scan before any frame header');
      scan = true;
      // Entropy-coded data runs to the next marker that is not a stuffed 0xFF00 or a restart marker.
      let e = pos;
      for (;;) {
        e = b.indexOf(0xff, e);
        if (e < 0 || e + 1 >= b.length) throw invalid('JPEG scan data cut short (no end-of-image marker)');
        const n = b[e + 1]!;
        if (n === 0x00 || (n >= 0xd0 && n <= 0xd7)) e += 2;
        else if (n === 0xff) e += 1;
        else break;
      }
      out.push(b.subarray(pos, e));
      pos = e;
    }
  }
  if (!frame || !scan) throw invalid('JPEG without a frame header or image data');
  if (!ended) throw invalid('JPEG without an end-of-image marker');
  if (orientation !== null) out.splice(exifAt, 0, minimalExifSegment(orientation));
  return { bytes: Buffer.concat(out), width, height, removed: [...removed] };
}

// ---- PNG ----------------------------------------------------------------------------------

/** Ancillary chunks that affect how pixels look (or animate) and carry nothing personal. */
const PNG_KEEP = new Set(['tRNS', 'cHRM', 'gAMA', 'iCCP', 'sBIT', 'sRGB', 'cICP', 'mDCV', 'mDCv', 'cLLI', 'cLLi', 'bKGD', 'hIST', 'pHYs', 'sPLT', 'acTL', 'fcTL', 'fdAT']);

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
}

function sanitisePng(b: Buffer): Stripped {
  const out: Buffer[] = [PNG_SIGNATURE];
  const removed = new Set<string>();
  let width: number | null = null;
  let height: number | null = null;
  let orientation: number | null = null;
  let idat = false;
  let ended = false;
  let pos = 8;
  while (pos < b.length) {
    if (pos + 12 > b.length) throw invalid('PNG chunk header cut short');
    const len = b.readUInt32BE(pos);
    const type = b.toString('latin1', pos + 4, pos + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) throw invalid(`PNG chunk with a bad type at byte ${pos}`);
    const end = pos + 12 + len;
    if (len > 0x7fffffff || end > b.length) throw invalid(`PNG chunk ${type} runs past the end of the file`);
    const chunk = b.subarray(pos, end);
    if (pos === 8) {
      if (type !== 'IHDR' || len !== 13) throw invalid('PNG does not start with an IHDR chunk');
      width = b.readUInt32BE(pos + 8);
      height = b.readUInt32BE(pos + 12);
    }
    pos = end;
    if (type === 'IEND') {
      out.push(chunk);
      ended = true;
      if (pos < b.length) removed.add('PNG data after IEND');
      break;
    }
    if (type === 'IDAT' || type === 'fdAT') idat = true;
    // A lower-case first letter marks an ancillary chunk; critical ones are always kept.
    const critical = (type.charCodeAt(0) & 0x20) === 0;
    if (critical || PNG_KEEP.has(type)) {
      out.push(chunk);
      continue;
    }
    const o = type === 'eXIf' ? orientationOf(chunk.subarray(8, 8 + len)) : { orientation: null, ours: false };
    orientation ??= o.orientation;
    if (!o.ours) removed.add(`PNG ${type}`);
  }
  if (!idat) throw invalid('PNG without image data');
  if (!ended) throw invalid('PNG without an IEND chunk');
  // Browsers rotate PNGs by eXIf Orientation: keep just that, right after IHDR.
  if (orientation !== null) out.splice(2, 0, pngChunk('eXIf', minimalExifTiff(orientation)));
  return { bytes: Buffer.concat(out), width, height, removed: [...removed] };
}

// ---- WebP ---------------------------------------------------------------------------------

const WEBP_KEEP = new Set(['VP8 ', 'VP8L', 'VP8X', 'ALPH', 'ANIM', 'ANMF', 'ICCP']);
/** VP8X flag bits: EXIF and XMP present. */
const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

function sanitiseWebp(b: Buffer): Stripped {
  const riffEnd = 8 + b.readUInt32LE(4);
  if (riffEnd > b.length) throw invalid('WebP file is shorter than its RIFF header says');
  const removed = new Set<string>();
  if (riffEnd < b.length) removed.add('WebP data after the RIFF container');
  const chunks: Buffer[] = [];
  let width: number | null = null;
  let height: number | null = null;
  let image = false;
  let orientation: number | null = null;
  /** The VP8X chunk as written (header included). */
  let vp8x: Buffer | null = null;
  let pos = 12;
  while (pos < riffEnd) {
    if (pos + 8 > riffEnd) throw invalid('WebP chunk header cut short');
    const fourcc = b.toString('latin1', pos, pos + 4);
    const size = b.readUInt32LE(pos + 4);
    const dataEnd = pos + 8 + size;
    if (dataEnd > riffEnd) throw invalid(`WebP chunk ${fourcc.trim()} runs past the end of the file`);
    const payload = b.subarray(pos + 8, dataEnd);
    const first = pos === 12;
    pos = dataEnd + (size & 1); // chunks are padded to an even size
    if (first && fourcc !== 'VP8 ' && fourcc !== 'VP8L' && fourcc !== 'VP8X') throw invalid('WebP does not start with an image chunk');
    if (!WEBP_KEEP.has(fourcc)) {
      const o = fourcc === 'EXIF' ? orientationOf(payload) : { orientation: null, ours: false };
      orientation ??= o.orientation;
      if (!o.ours) removed.add(`WebP ${fourcc.trim()}`);
      continue;
    }
    let data = payload;
    if (fourcc === 'VP8X') {
      if (payload.length < 10) throw invalid('WebP VP8X chunk too short');
      data = Buffer.from(payload);
      data[0] = data[0]! & ~(VP8X_EXIF | VP8X_XMP);
      width = 1 + payload.readUIntLE(4, 3);
      height = 1 + payload.readUIntLE(7, 3);
    } else if (fourcc === 'VP8 ') {
      image = true;
      if (payload.length < 10 || payload[3] !== 0x9d || payload[4] !== 0x01 || payload[5] !== 0x2a) throw invalid('WebP VP8 frame header is damaged');
      width ??= payload.readUInt16LE(6) & 0x3fff;
      height ??= payload.readUInt16LE(8) & 0x3fff;
    } else if (fourcc === 'VP8L') {
      image = true;
      if (payload.length < 5 || payload[0] !== 0x2f) throw invalid('WebP VP8L header is damaged');
      const bits = payload.readUInt32LE(1);
      width ??= (bits & 0x3fff) + 1;
      height ??= ((bits >>> 14) & 0x3fff) + 1;
    } else if (fourcc === 'ANMF') {
      image = true;
    }
    const chunk = webpChunk(fourcc, data);
    if (fourcc === 'VP8X') vp8x = chunk;
    chunks.push(chunk);
  }
  if (!image) throw invalid('WebP without image data');
  // EXIF exists only in the extended format, so VP8X is there: keep the orientation in a minimal EXIF chunk at the end.
  if (orientation !== null && vp8x) {
    vp8x[8] = vp8x[8]! | VP8X_EXIF; // the flags byte follows the 8-byte chunk header
    chunks.push(webpChunk('EXIF', minimalExifTiff(orientation)));
  }
  const body = Buffer.concat(chunks);
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(4 + body.length, 4);
  header.write('WEBP', 8, 'latin1');
  return { bytes: Buffer.concat([header, body]), width, height, removed: [...removed] };
}

function webpChunk(fourcc: string, data: Buffer): Buffer {
  const chunk = Buffer.alloc(8 + data.length + (data.length & 1)); // padded to an even size with a zero
  chunk.write(fourcc, 0, 'latin1');
  chunk.writeUInt32LE(data.length, 4);
  data.copy(chunk, 8);
  return chunk;
}

function ascii(b: Uint8Array, start: number, len: number): string {
  return String.fromCharCode(...b.subarray(start, start + len));
}
