/**
 * Shrink a phone photo before it leaves the device: a 12-megapixel JPEG of 4–8 MB becomes ~300 KB
 * at 1920 px, which is what makes uploading on a weak signal bearable. EXIF orientation is applied
 * (`imageOrientation: 'from-image'`), and the GPS tags are dropped with the rest of the metadata.
 * Small files and anything the browser cannot decode are sent as they are.
 */
const MAX_EDGE = 1920;
const QUALITY = 0.82;
const SKIP_BELOW = 400 * 1024;

export async function shrinkPhoto(file: File): Promise<File> {
  if (file.size < SKIP_BELOW || typeof createImageBitmap !== 'function') return file;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return file;
  }
  try {
    const scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
    const w = Math.max(1, Math.round(bitmap.width * scale));
    const h = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d');
    if (!ctx) return file;
    ctx.drawImage(bitmap, 0, 0, w, h);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', QUALITY));
    if (!blob || blob.size >= file.size) return file;
    const name = file.name.replace(/\.[^.]*$/, '') + '.jpg';
    return new File([blob], name, { type: 'image/jpeg', lastModified: file.lastModified });
  } finally {
    bitmap.close();
  }
}
