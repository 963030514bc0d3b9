import { describe, expect, it } from 'vitest';
import { preview, type Attachment } from './attachments';

const base: Attachment = {
	id: 'a1',
	type: 'image',
	r2_key: 'org/u/photo.jpg',
	size: 3_000_000,
	mime_type: 'image/jpeg',
	thumbnail_r2_key: null
} as Attachment;

describe('preview', () => {
	it('shows the worker’s thumbnail as a plain object once it exists', () => {
		expect(preview({ ...base, thumbnail_r2_key: 'org/u/thumbnails/a1.webp' })).toEqual({
			path: 'org/u/thumbnails/a1.webp',
			render: false
		});
	});

	it('asks for a rendition of the original until then, for the types Storage renders', () => {
		expect(preview(base)).toEqual({ path: 'org/u/photo.jpg', render: true });
		expect(preview({ ...base, mime_type: 'IMAGE/PNG' }).render).toBe(true);
		expect(preview({ ...base, mime_type: 'image/heic' })).toEqual({
			path: 'org/u/photo.jpg',
			render: false
		});
	});
});
