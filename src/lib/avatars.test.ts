import { describe, expect, it } from 'vitest';
import { avatarProblem, avatarUrl, MAX_AVATAR_BYTES } from './avatars';

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
