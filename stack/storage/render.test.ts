// The render cache's promises: one render per variant however many ask at once, variants of a
// version dropped with it, and the total kept under its bound by dropping the least recently used.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { RenderCache, parseTransform, transformFromString, transformToString } from './render.ts';

const dirs: string[] = [];
function cacheOf(maxBytes: number): RenderCache {
	const dir = mkdtempSync(path.join(tmpdir(), 'render-cache-'));
	dirs.push(dir);
	return new RenderCache(dir, maxBytes);
}
afterEach(() => {
	for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('RenderCache', () => {
	it('renders a variant once for concurrent requests, then serves it from disk', async () => {
		const cache = cacheOf(1024 * 1024);
		await cache.init();
		const v = randomUUID();
		let renders = 0;
		const render = async () => {
			renders++;
			await new Promise((r) => setTimeout(r, 20));
			return Buffer.from('variant');
		};
		const [a, b] = await Promise.all([
			cache.get(v, 'k.webp', render),
			cache.get(v, 'k.webp', render)
		]);
		expect(renders).toBe(1);
		expect(a.file).toBe(b.file);
		await cache.get(v, 'k.webp', render);
		expect(renders).toBe(1);
	});

	it('forgets every variant of a version', async () => {
		const cache = cacheOf(1024 * 1024);
		await cache.init();
		const v = randomUUID();
		const one = await cache.get(v, 'a.webp', async () => Buffer.from('a'));
		const two = await cache.get(v, 'b.webp', async () => Buffer.from('b'));
		await cache.forget(v);
		expect(existsSync(one.file)).toBe(false);
		expect(existsSync(two.file)).toBe(false);
	});

	it('stays under its bound, dropping the least recently used variants first', async () => {
		const cache = cacheOf(1000);
		await cache.init();
		const v = randomUUID();
		const files: string[] = [];
		for (let i = 0; i < 4; i++) {
			const { file } = await cache.get(v, `${i}.webp`, async () => Buffer.alloc(300, i));
			// Distinct last-use times, oldest first.
			const t = new Date(Date.now() - (10 - i) * 1000);
			utimesSync(file, t, t);
			files.push(file);
		}
		await cache.trim();
		const kept = files.filter((f) => existsSync(f));
		expect(kept.length * 300).toBeLessThanOrEqual(800);
		expect(kept).toEqual(files.slice(files.length - kept.length));
		// A fresh cache over the same directory counts what is already there.
		const reopened = new RenderCache(cache.root, 1000);
		await reopened.init();
		await reopened.get(v, 'new.webp', async () => Buffer.alloc(500));
		await reopened.trim();
		const all = [...files, path.join(cache.root, v, 'new.webp')].filter((f) => existsSync(f));
		expect(all.length * 300).toBeLessThanOrEqual(1000);
		expect(existsSync(path.join(cache.root, v, 'new.webp'))).toBe(true);
	});
});

describe('transform options', () => {
	it('round-trips through a signed token string and drops zero sizes', () => {
		const o = parseTransform(
			(k) => ({ width: '200', height: '0', resize: 'contain', quality: '70' })[k],
			'querystring'
		);
		expect(o).toEqual({ width: 200, resize: 'contain', quality: 70 });
		expect(transformFromString(transformToString(o))).toEqual(o);
	});

	it('refuses what Storage’s schema refuses, naming the field', () => {
		expect(() => parseTransform((k) => (k === 'width' ? '1.5' : undefined))).toThrow(
			'querystring/width must be integer'
		);
		expect(() =>
			parseTransform((k) => (k === 'quality' ? 19 : undefined), 'body/transform')
		).toThrow('body/transform/quality must be >= 20');
	});
});
