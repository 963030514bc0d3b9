// Picture sizes read in the browser, kept apart from the storage code so the offline outbox can
// use them without the app's environment.

/**
 * An image's natural size as shown (EXIF orientation applied), read in the browser before the
 * upload; null for videos, formats the browser cannot decode (HEIC in most), or outside a browser.
 * Sent as the object's user metadata, the database keeps it as a layout hint until the media
 * worker measures the original itself.
 */
export async function imageSize(file: Blob): Promise<{ width: number; height: number } | null> {
	if (!file.type.startsWith('image/') || typeof createImageBitmap !== 'function') return null;
	try {
		const bitmap = await createImageBitmap(file);
		const size = { width: bitmap.width, height: bitmap.height };
		bitmap.close();
		return size.width > 0 && size.height > 0 ? size : null;
	} catch {
		return null;
	}
}
