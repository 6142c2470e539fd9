/**
 * Small crafted image files for tests: just enough structure for the container parsers (the
 * pixel data is not real), with location metadata in every place a phone puts it.
 */

const u16be = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u32be = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

/** A marker that appears in every piece of location metadata the fixtures carry. */
export const GPS_TEXT = 'GPS-39.6712N-106.8253E';
/** GPSLatitude 39° 40' 16.32" as three little-endian RATIONALs: a byte pattern to search for. */
export const GPS_RATIONALS = Buffer.from([39, 0, 0, 0, 1, 0, 0, 0, 40, 0, 0, 0, 1, 0, 0, 0, 0xc0, 0x3f, 0, 0, 100, 0, 0, 0]);

/** A little-endian TIFF/Exif block: IFD0 with Orientation and a GPS IFD pointer; the GPS IFD with ref, latitude and a processing-method text. */
export function exifWithGps(orientation = 6): Buffer {
  const tiff = Buffer.alloc(8 + 2 + 2 * 12 + 4 + 2 + 3 * 12 + 4 + 24 + 32);
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4);
  let o = 8;
  tiff.writeUInt16LE(2, o);
  o += 2;
  const gpsIfd = 8 + 2 + 2 * 12 + 4;
  // Orientation SHORT
  tiff.writeUInt16LE(0x0112, o);
  tiff.writeUInt16LE(3, o + 2);
  tiff.writeUInt32LE(1, o + 4);
  tiff.writeUInt16LE(orientation, o + 8);
  o += 12;
  // GPSInfo LONG → GPS IFD
  tiff.writeUInt16LE(0x8825, o);
  tiff.writeUInt16LE(4, o + 2);
  tiff.writeUInt32LE(1, o + 4);
  tiff.writeUInt32LE(gpsIfd, o + 8);
  o += 12;
  tiff.writeUInt32LE(0, o);
  o = gpsIfd;
  const rationals = gpsIfd + 2 + 3 * 12 + 4;
  const text = rationals + 24;
  tiff.writeUInt16LE(3, o);
  o += 2;
  // GPSLatitudeRef ASCII "N\0" inline
  tiff.writeUInt16LE(0x0001, o);
  tiff.writeUInt16LE(2, o + 2);
  tiff.writeUInt32LE(2, o + 4);
  tiff.write('N\0', o + 8, 'latin1');
  o += 12;
  // GPSLatitude RATIONAL×3 at `rationals`
  tiff.writeUInt16LE(0x0002, o);
  tiff.writeUInt16LE(5, o + 2);
  tiff.writeUInt32LE(3, o + 4);
  tiff.writeUInt32LE(rationals, o + 8);
  o += 12;
  // GPSProcessingMethod UNDEFINED at `text`
  tiff.writeUInt16LE(0x001b, o);
  tiff.writeUInt16LE(7, o + 2);
  tiff.writeUInt32LE(32, o + 4);
  tiff.writeUInt32LE(text, o + 8);
  o += 12;
  tiff.writeUInt32LE(0, o);
  GPS_RATIONALS.copy(tiff, rationals);
  tiff.write(`ASCII\0\0\0${GPS_TEXT}`, text, 'latin1');
  return Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
}

export const XMP_WITH_GPS = Buffer.from(
  `http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description exif:GPSLatitude="39,40.272N" exif:GPSAreaInformation="${GPS_TEXT}"/></rdf:RDF></x:xmpmeta>`,
  'latin1',
);

const seg = (marker: number, payload: Buffer) => Buffer.concat([Buffer.from([0xff, marker]), u16be(payload.length + 2), payload]);

export const JPEG_PARTS = {
  soi: Buffer.from([0xff, 0xd8]),
  app0: seg(0xe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0])),
  dqt: seg(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)])),
  /** 3 components, 16×8 pixels. */
  sof0: seg(0xc0, Buffer.from([8, 0, 8, 0, 16, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1])),
  dht: seg(0xc4, Buffer.concat([Buffer.from([0x00]), Buffer.from([0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), Buffer.from([0])])),
  icc: seg(0xe2, Buffer.concat([Buffer.from('ICC_PROFILE\0', 'latin1'), Buffer.from([1, 1]), Buffer.alloc(16, 7)])),
  sos: seg(0xda, Buffer.from([3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 0x3f, 0])),
  /** Entropy-coded bytes with a stuffed 0xFF00 and a restart marker, as real scans have. */
  scan: Buffer.from([0x12, 0x34, 0xff, 0x00, 0x56, 0xff, 0xd0, 0x78, 0x9a]),
  eoi: Buffer.from([0xff, 0xd9]),
  exif: (orientation = 6) => seg(0xe1, exifWithGps(orientation)),
  xmp: seg(0xe1, XMP_WITH_GPS),
  com: seg(0xfe, Buffer.from(`shot at ${GPS_TEXT}`, 'latin1')),
};

/** A JPEG as a phone writes it: JFIF, Exif with GPS, XMP with GPS, a comment, and a second image after EOI. */
export function jpegWithGps(orientation = 6): Buffer {
  const p = JPEG_PARTS;
  const trailer = Buffer.concat([p.soi, p.exif(1), p.sof0, p.sos, p.scan, p.eoi]);
  return Buffer.concat([p.soi, p.app0, p.exif(orientation), p.xmp, p.icc, p.dqt, p.sof0, p.dht, p.sos, p.scan, p.com, p.eoi, trailer]);
}

// ---- PNG ----

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

export function pngChunk(type: string, data: Buffer): Buffer {
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  return Buffer.concat([u32be(data.length), td, u32be(crc32(td))]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A 3×2 PNG with text chunks, an eXIf chunk (Orientation and GPS) and an iTXt XMP packet, all holding a location. */
export function pngWithGps(orientation = 6): Buffer {
  const ihdr = Buffer.concat([u32be(3), u32be(2), Buffer.from([8, 2, 0, 0, 0])]);
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    pngChunk('sRGB', Buffer.from([0])),
    pngChunk('tEXt', Buffer.from(`Comment\0${GPS_TEXT}`, 'latin1')),
    pngChunk('eXIf', exifWithGps(orientation).subarray(6)),
    pngChunk('iTXt', Buffer.concat([Buffer.from('XML:com.adobe.xmp\0\0\0\0\0', 'latin1'), XMP_WITH_GPS.subarray(29)])),
    pngChunk('zTXt', Buffer.from('Location\0\0xxxx', 'latin1')),
    pngChunk('IDAT', Buffer.from([0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01])),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- WebP ----

export function riffChunk(fourcc: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(fourcc, 0, 'latin1');
  head.writeUInt32LE(data.length, 4);
  return Buffer.concat([head, data, data.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

export function riff(chunks: Buffer[]): Buffer {
  const body = Buffer.concat(chunks);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(4 + body.length, 4);
  head.write('WEBP', 8, 'latin1');
  return Buffer.concat([head, body]);
}

/** An extended WebP (VP8X, 40×30 canvas) with ICC, a lossy frame, EXIF (Orientation and GPS) and XMP chunks. */
export function webpWithGps(orientation = 6): Buffer {
  const vp8x = Buffer.alloc(10);
  vp8x[0] = 0x20 | 0x08 | 0x04; // ICC, EXIF, XMP
  vp8x.writeUIntLE(40 - 1, 4, 3);
  vp8x.writeUIntLE(30 - 1, 7, 3);
  // VP8 key frame: 3-byte tag, start code 9d 01 2a, 14-bit width and height, then (fake) data; odd length to exercise padding.
  const vp8 = Buffer.concat([Buffer.from([0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a]), Buffer.from([40, 0, 30, 0]), Buffer.alloc(7, 0x11)]);
  return riff([
    riffChunk('VP8X', vp8x),
    riffChunk('ICCP', Buffer.alloc(12, 3)),
    riffChunk('VP8 ', vp8),
    riffChunk('EXIF', exifWithGps(orientation).subarray(6)),
    riffChunk('XMP ', XMP_WITH_GPS.subarray(29)),
  ]);
}

/** A simple lossless WebP (no VP8X) of 5×7. */
export function webpLossless(): Buffer {
  const bits = (5 - 1) | ((7 - 1) << 14);
  const vp8l = Buffer.concat([Buffer.from([0x2f]), Buffer.from([bits & 0xff, (bits >> 8) & 0xff, (bits >> 16) & 0xff, (bits >>> 24) & 0xff]), Buffer.alloc(6, 0x22)]);
  return riff([riffChunk('VP8L', vp8l)]);
}

export const GIF = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.from([1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3b])]);
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
