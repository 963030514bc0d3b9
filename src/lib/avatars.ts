// Profile pictures: the public `avatars` bucket, one folder per person (`<user id>/<file>`, the
// only place the storage policies let them write). Shared by the profile form (browser checks
// before sending, server checks before uploading) and everything that shows a picture.
import { PUBLIC_SUPABASE_URL } from '$app/env/public';

export const AVATAR_BUCKET = 'avatars';
export const MAX_AVATAR_BYTES = 2 * 1024 * 1024;
export const AVATAR_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
/** The accept attribute of the file input. */
export const AVATAR_ACCEPT = AVATAR_TYPES.join(',');

/** Why this file cannot be a profile picture, or null when it may be tried. */
export function avatarProblem(file: { name: string; type: string; size: number }): string | null {
	if (!(AVATAR_TYPES as readonly string[]).includes(file.type.toLowerCase())) {
		return `“${file.name}” is not a JPEG, PNG or WebP image.`;
	}
	if (file.size === 0) return `“${file.name}” is empty.`;
	if (file.size > MAX_AVATAR_BYTES) {
		return `“${file.name}” is ${(file.size / 1024 / 1024).toFixed(1)} MB: a profile picture can be at most 2 MB.`;
	}
	return null;
}

const base = (): string => (PUBLIC_SUPABASE_URL ?? '').replace(/\/$/, '');
const encoded = (path: string): string => path.split('/').map(encodeURIComponent).join('/');

/** The public URL of a stored picture (no signing: the bucket is public-read). */
export function avatarUrl(path: string | null | undefined): string | null {
	if (!path) return null;
	return `${base()}/storage/v1/object/public/${AVATAR_BUCKET}/${encoded(path)}`;
}

/** CSS pixels of the avatar's box at each size (Avatar.svelte: 2rem, 2.5rem, 6rem). */
export const AVATAR_PIXELS = { sm: 32, md: 40, lg: 96 } as const;

/**
 * The stored 512 px picture rendered by Storage's image transformation at `px` square (cropped
 * to fill, WebP or AVIF where the browser says it can show them): a 40 px avatar then costs about
 * a kilobyte instead of the whole picture. Hosted projects without image transformations refuse
 * these URLs; Avatar.svelte then falls back to avatarUrl.
 */
export function avatarRenderUrl(path: string | null | undefined, px: number): string | null {
	if (!path) return null;
	return `${base()}/storage/v1/render/image/public/${AVATAR_BUCKET}/${encoded(path)}?width=${px}&height=${px}&resize=cover`;
}

/** `srcset` for crisp pictures on 1x and 2x screens. */
export function avatarSrcset(path: string | null | undefined, px: number): string | null {
	if (!path) return null;
	return `${avatarRenderUrl(path, px)} 1x, ${avatarRenderUrl(path, px * 2)} 2x`;
}
