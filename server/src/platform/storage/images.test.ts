import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/index.js';
import { exifOrientation, minimalExifSegment, minimalExifTiff, sanitiseImage, sniffImageType } from './images.js';
import {
  GIF,
  GPS_RATIONALS,
  GPS_TEXT,
  JPEG_PARTS as J,
  PDF,
  PNG_SIGNATURE,
  jpegWithGps,
  pngChunk,
  pngWithGps,
  riff,
  riffChunk,
  webpLossless,
  webpWithGps,
} from '../../test/imageFixtures.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return (e as AppError).code;
  }
  return 'no error';
};

/** Segment markers of a JPEG in order, walking lengths and skipping scan data. */
function jpegMarkers(b: Buffer): number[] {
  const out: number[] = [];
  let p = 2;
  out.push(0xd8);
  while (p < b.length) {
    expect(b[p]).toBe(0xff);
    while (b[p + 1] === 0xff) p++; // fill bytes
    const m = b[p + 1]!;
    out.push(m);
    if (m === 0xd9) {
      expect(p + 2).toBe(b.length);
      break;
    }
    p += 2 + b.readUInt16BE(p + 2);
    if (m === 0xda) {
      while (!(b[p] === 0xff && b[p + 1] !== 0 && !(b[p + 1]! >= 0xd0 && b[p + 1]! <= 0xd7))) p++;
    }
  }
  return out;
}

function pngChunkTypes(b: Buffer): string[] {
  const types: string[] = [];
  for (let p = 8; p < b.length; p += 12 + b.readUInt32BE(p)) types.push(b.toString('latin1', p + 4, p + 8));
  return types;
}

function webpChunks(b: Buffer): string[] {
  const out: string[] = [];
  for (let p = 12; p < b.length; ) {
    const size = b.readUInt32LE(p + 4);
    out.push(b.toString('latin1', p, p + 4));
    p += 8 + size + (size & 1);
  }
  return out;
}

describe('sniffImageType', () => {
  it('recognises JPEG, PNG and WebP by their bytes', () => {
    expect(sniffImageType(jpegWithGps())).toBe('image/jpeg');
    expect(sniffImageType(pngWithGps())).toBe('image/png');
    expect(sniffImageType(webpWithGps())).toBe('image/webp');
  });

  it('knows nothing else', () => {
    expect(sniffImageType(GIF)).toBeNull();
    expect(sniffImageType(PDF)).toBeNull();
    expect(sniffImageType(Buffer.from('just some text, saved as photo.jpg\n'))).toBeNull();
    expect(sniffImageType(Buffer.alloc(0))).toBeNull();
    // A RIFF that is not WebP (a WAV file).
    expect(sniffImageType(Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'))).toBeNull();
  });
});

describe('sanitiseImage: refused files', () => {
  it('refuses a GIF, a PDF and a text file whatever they are called', () => {
    expect(codeOf(() => sanitiseImage(GIF))).toBe('upload.unsupported_type');
    expect(codeOf(() => sanitiseImage(PDF))).toBe('upload.unsupported_type');
    expect(codeOf(() => sanitiseImage(Buffer.from('hello, I am photo.jpg')))).toBe('upload.unsupported_type');
    expect(codeOf(() => sanitiseImage(Buffer.alloc(0)))).toBe('upload.unsupported_type');
  });

  it('refuses damaged containers: it cannot prove them free of metadata', () => {
    const jpeg = jpegWithGps();
    expect(codeOf(() => sanitiseImage(jpeg.subarray(0, 40)))).toBe('upload.invalid_image'); // inside the Exif segment
    expect(codeOf(() => sanitiseImage(Buffer.concat([J.soi, J.app0, J.dqt, J.sof0, J.sos, J.scan])))).toBe('upload.invalid_image'); // no EOI
    expect(codeOf(() => sanitiseImage(Buffer.concat([J.soi, J.app0, J.eoi])))).toBe('upload.invalid_image'); // no frame or scan
    expect(codeOf(() => sanitiseImage(Buffer.from([0xff, 0xd8, 0xff])))).toBe('upload.invalid_image');
    const png = pngWithGps();
    expect(codeOf(() => sanitiseImage(png.subarray(0, png.length - 12)))).toBe('upload.invalid_image'); // no IEND
    expect(codeOf(() => sanitiseImage(png.subarray(0, 50)))).toBe('upload.invalid_image');
    expect(codeOf(() => sanitiseImage(Buffer.concat([PNG_SIGNATURE, pngChunk('tEXt', Buffer.from('a\0b'))])))).toBe('upload.invalid_image'); // no IHDR
    const webp = webpWithGps();
    expect(codeOf(() => sanitiseImage(webp.subarray(0, webp.length - 10)))).toBe('upload.invalid_image'); // shorter than RIFF says
    expect(codeOf(() => sanitiseImage(riff([riffChunk('EXIF', Buffer.alloc(4))])))).toBe('upload.invalid_image');
  });

  it('refuses pixel bombs', () => {
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(20_000, 0);
    ihdr.writeUInt32BE(20_000, 4);
    ihdr[8] = 8;
    const bomb = Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', Buffer.alloc(4)), pngChunk('IEND', Buffer.alloc(0))]);
    expect(codeOf(() => sanitiseImage(bomb))).toBe('upload.invalid_image');
  });
});

describe('sanitiseImage: JPEG', () => {
  const input = jpegWithGps(6);
  const out = sanitiseImage(input);

  it('removes the Exif GPS IFD, XMP, comments and the image appended after EOI', () => {
    expect(input.includes(GPS_RATIONALS)).toBe(true);
    expect(input.includes(GPS_TEXT)).toBe(true);
    expect(out.bytes.includes(GPS_RATIONALS)).toBe(false);
    expect(out.bytes.includes(GPS_TEXT)).toBe(false);
    expect(out.bytes.includes('ns.adobe.com')).toBe(false);
    expect(out.bytes.includes(Buffer.from([0x25, 0x88]))).toBe(false); // GPSInfo tag 0x8825 (little-endian)
    expect(out.removed).toEqual(expect.arrayContaining(['JPEG APP1 Exif', 'JPEG APP1 XMP', 'JPEG COM', 'JPEG data after EOI']));
  });

  it('stays a decodable JPEG: SOI first, the tables, SOF and SOS kept byte for byte, EOI last', () => {
    expect(out.mime).toBe('image/jpeg');
    expect(out.bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(out.bytes.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    expect(jpegMarkers(out.bytes)).toEqual([0xd8, 0xe0, 0xe1, 0xe2, 0xdb, 0xc0, 0xc4, 0xda, 0xd9]);
    for (const part of [J.app0, J.icc, J.dqt, J.sof0, J.dht, Buffer.concat([J.sos, J.scan])]) expect(out.bytes.includes(part)).toBe(true);
    expect({ width: out.width, height: out.height }).toEqual({ width: 16, height: 8 });
  });

  it('keeps the orientation in a new Exif segment holding nothing else', () => {
    const app1 = out.bytes.subarray(J.soi.length + J.app0.length);
    expect(app1.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xe1]));
    const len = app1.readUInt16BE(2);
    expect(len).toBe(2 + 6 + 26);
    expect(exifOrientation(app1.subarray(4, 2 + len))).toBe(6);
    expect(app1.subarray(0, 2 + len)).toEqual(minimalExifSegment(6));
  });

  it('writes no Exif when the photo is upright, and is idempotent', () => {
    const upright = sanitiseImage(jpegWithGps(1));
    expect(upright.bytes.includes('Exif')).toBe(false);
    expect(jpegMarkers(upright.bytes)).toEqual([0xd8, 0xe0, 0xe2, 0xdb, 0xc0, 0xc4, 0xda, 0xd9]);
    expect(sanitiseImage(out.bytes).bytes).toEqual(out.bytes);
    expect(sanitiseImage(out.bytes).removed).toEqual([]);
  });

  it('puts the Exif right after SOI when there is no JFIF segment, and keeps a plain JPEG unchanged', () => {
    const noJfif = sanitiseImage(Buffer.concat([J.soi, J.exif(8), J.dqt, J.sof0, J.sos, J.scan, J.eoi]));
    expect(jpegMarkers(noJfif.bytes)).toEqual([0xd8, 0xe1, 0xdb, 0xc0, 0xda, 0xd9]);
    expect(exifOrientation(noJfif.bytes.subarray(6, 6 + 32))).toBe(8);
    expect(noJfif.bytes.subarray(2, 2 + 36)).toEqual(minimalExifSegment(8));
    const plain = Buffer.concat([J.soi, J.app0, J.dqt, J.sof0, J.dht, J.sos, J.scan, J.eoi]);
    expect(sanitiseImage(plain).bytes).toEqual(plain);
  });

  it('copies progressive files with several scans and tables between them', () => {
    // The second scan has restart markers and ends with a fill byte before the next marker.
    const scan2 = Buffer.from([0x01, 0xff, 0x00, 0xff, 0xd3, 0x02, 0xff, 0xd4, 0x03, 0xff]);
    const body = [J.dqt, J.sof0, J.dht, J.sos, J.scan, J.dht, J.sos, scan2, J.sos, J.scan, J.eoi];
    const r = sanitiseImage(Buffer.concat([J.soi, J.exif(1), ...body]));
    expect(jpegMarkers(r.bytes)).toEqual([0xd8, 0xdb, 0xc0, 0xc4, 0xda, 0xc4, 0xda, 0xda, 0xd9]);
    expect(r.bytes).toEqual(Buffer.concat([J.soi, ...body]));
  });
});

describe('sanitiseImage: PNG', () => {
  const input = pngWithGps();
  const out = sanitiseImage(input);

  it('drops eXIf, tEXt, iTXt and zTXt and keeps the image chunks in order', () => {
    expect(pngChunkTypes(input)).toEqual(['IHDR', 'sRGB', 'tEXt', 'eXIf', 'iTXt', 'zTXt', 'IDAT', 'IEND']);
    expect(pngChunkTypes(out.bytes)).toEqual(['IHDR', 'eXIf', 'sRGB', 'IDAT', 'IEND']);
    expect(out.bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(out.bytes.includes(GPS_TEXT)).toBe(false);
    expect(out.bytes.includes(GPS_RATIONALS)).toBe(false);
    expect(out.removed.sort()).toEqual(['PNG eXIf', 'PNG iTXt', 'PNG tEXt', 'PNG zTXt']);
    expect({ mime: out.mime, width: out.width, height: out.height }).toEqual({ mime: 'image/png', width: 3, height: 2 });
  });

  it('keeps the orientation in a new eXIf chunk (with a correct CRC) holding nothing else', () => {
    const exif = pngChunk('eXIf', minimalExifTiff(6));
    expect(out.bytes.subarray(8 + 25, 8 + 25 + exif.length)).toEqual(exif);
    expect(exifOrientation(exif.subarray(8, -4))).toBe(6);
    const upright = sanitiseImage(pngWithGps(1));
    expect(pngChunkTypes(upright.bytes)).toEqual(['IHDR', 'sRGB', 'IDAT', 'IEND']);
  });

  it('drops bytes after IEND and is idempotent', () => {
    const r = sanitiseImage(Buffer.concat([input, Buffer.from(GPS_TEXT)]));
    expect(r.bytes).toEqual(out.bytes);
    expect(sanitiseImage(out.bytes).bytes).toEqual(out.bytes);
    expect(sanitiseImage(out.bytes).removed).toEqual([]);
  });
});

describe('sanitiseImage: WebP', () => {
  const input = webpWithGps();
  const out = sanitiseImage(input);

  it('drops the EXIF and XMP chunks, clears their VP8X flags and fixes the RIFF size', () => {
    const upright = sanitiseImage(webpWithGps(1));
    expect(webpChunks(input)).toEqual(['VP8X', 'ICCP', 'VP8 ', 'EXIF', 'XMP ']);
    expect(webpChunks(upright.bytes)).toEqual(['VP8X', 'ICCP', 'VP8 ']);
    expect(upright.bytes.toString('latin1', 0, 4)).toBe('RIFF');
    expect(upright.bytes.toString('latin1', 8, 12)).toBe('WEBP');
    expect(upright.bytes.readUInt32LE(4)).toBe(upright.bytes.length - 8);
    expect(upright.bytes[20]).toBe(0x20); // VP8X flags: ICC only
    expect(upright.bytes.includes(GPS_TEXT)).toBe(false);
    expect(upright.bytes.includes(GPS_RATIONALS)).toBe(false);
  });

  it('keeps the orientation of a rotated photo in a minimal EXIF chunk at the end', () => {
    expect(webpChunks(out.bytes)).toEqual(['VP8X', 'ICCP', 'VP8 ', 'EXIF']);
    expect(out.bytes.readUInt32LE(4)).toBe(out.bytes.length - 8);
    expect(out.bytes[20]).toBe(0x20 | 0x08); // ICC and EXIF
    const tiff = minimalExifTiff(6);
    expect(out.bytes.subarray(-tiff.length)).toEqual(tiff);
    expect(out.bytes.readUInt32LE(out.bytes.length - tiff.length - 4)).toBe(tiff.length);
    expect(out.bytes.includes(GPS_TEXT)).toBe(false);
    expect(out.bytes.includes(GPS_RATIONALS)).toBe(false);
    expect(out.removed.sort()).toEqual(['WebP EXIF', 'WebP XMP']);
    expect({ mime: out.mime, width: out.width, height: out.height }).toEqual({ mime: 'image/webp', width: 40, height: 30 });
    // The frame (odd-sized, so padded) is copied unchanged.
    const frame = input.subarray(12 + 18 + 20, 12 + 18 + 20 + 8 + 17 + 1);
    expect(out.bytes.includes(frame)).toBe(true);
  });

  it('keeps a simple lossless WebP as it is and reads its size', () => {
    const w = webpLossless();
    const r = sanitiseImage(w);
    expect(r.bytes).toEqual(w);
    expect({ width: r.width, height: r.height }).toEqual({ width: 5, height: 7 });
  });

  it('drops data after the RIFF container and is idempotent', () => {
    expect(sanitiseImage(Buffer.concat([input, Buffer.from(GPS_TEXT)])).bytes).toEqual(out.bytes);
    expect(sanitiseImage(out.bytes).bytes).toEqual(out.bytes);
    expect(sanitiseImage(out.bytes).removed).toEqual([]);
  });
});
