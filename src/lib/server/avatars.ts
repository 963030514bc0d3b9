// Profile pictures are re-encoded on the server before they are stored: a square 512 px WebP
// (small enough for every screen that shows one) without the camera's metadata, whose EXIF can
// carry where a photo was taken and the bucket is public.
import sharp from 'sharp';

export const AVATAR_SIZE = 512;

/** The picture as stored, or null when the bytes are not an image sharp can read. */
export async function normaliseAvatar(bytes: Uint8Array): Promise<Buffer | null> {
	try {
		return await sharp(bytes)
			.rotate()
			.resize(AVATAR_SIZE, AVATAR_SIZE, { fit: 'cover', withoutEnlargement: false })
			.webp({ quality: 82 })
			.toBuffer();
	} catch {
		return null;
	}
}
