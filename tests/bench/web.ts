// `npm run bench -- web [build=0]`: what each page route of the production build ships to the
// browser (JavaScript and CSS, raw, gzip and brotli), with the budget for the athlete's Today.
// Largest Contentful Paint and layout shift need the app running against data: `npm run bench
// -- app` measures them at the end of its run (its `web=0` skips that).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printRouteSizes, routeSizes } from './_web.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export default async function web(args: string[]): Promise<void> {
	if (!args.includes('build=0') || !existsSync(path.join(root, 'build/server/manifest-full.js'))) {
		console.log('Building the app (vite build)…');
		const r = spawnSync(path.join(root, 'node_modules/.bin/vite'), ['build'], {
			cwd: root,
			stdio: ['ignore', 'ignore', 'inherit']
		});
		if (r.status !== 0) throw new Error('vite build failed');
	}
	printRouteSizes(await routeSizes(path.join(root, 'build')));
}
