import { describe, expect, it } from 'vitest';
import {
	avatarProblem,
	avatarRenderUrl,
	avatarSrcset,
	avatarUrl,
	MAX_AVATAR_BYTES
} from './avatars';

describe('avatarProblem', () => {
	it('accepts JPEG, PNG and WebP up to 2 MB', () => {
		for (const type of ['image/jpeg', 'image/png', 'image/webp', 'IMAGE/PNG']) {
			expect(avatarProblem({ name: 'me', type, size: MAX_AVATAR_BYTES })).toBeNull();
		}
	});

	it('says why anything else is refused', () => {
		expect(avatarProblem({ name: 'me.heic', type: 'image/heic', size: 10 })).toMatch(
			/not a JPEG, PNG or WebP/
		);
		expect(avatarProblem({ name: 'me.svg', type: 'image/svg+xml', size: 10 })).toMatch(
			/not a JPEG/
		);
		expect(avatarProblem({ name: 'empty.png', type: 'image/png', size: 0 })).toMatch(/empty/);
		expect(
			avatarProblem({ name: 'big.jpg', type: 'image/jpeg', size: MAX_AVATAR_BYTES + 1 })
		).toMatch(/at most 2 MB/);
	});
});

describe('avatarUrl', () => {
	it('is the public object URL, each path segment encoded', () => {
		expect(avatarUrl(null)).toBeNull();
		expect(avatarUrl('')).toBeNull();
		expect(avatarUrl('u-1/a b.webp')).toMatch(
			/\/storage\/v1\/object\/public\/avatars\/u-1\/a%20b\.webp$/
		);
	});
});

describe('avatarRenderUrl / avatarSrcset', () => {
	it('asks Storage for a square rendition at the box size, and twice that for 2x screens', () => {
		expect(avatarRenderUrl(null, 40)).toBeNull();
		expect(avatarRenderUrl('u-1/a b.webp', 40)).toMatch(
			/\/storage\/v1\/render\/image\/public\/avatars\/u-1\/a%20b\.webp\?width=40&height=40&resize=cover$/
		);
		const set = avatarSrcset('u-1/me.webp', 32);
		expect(set).toMatch(
			/width=32&height=32&resize=cover 1x, .*width=64&height=64&resize=cover 2x$/
		);
		expect(avatarSrcset('', 32)).toBeNull();
	});
});
