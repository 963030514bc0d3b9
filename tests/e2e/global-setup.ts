// Browser tests: Debian's Chromium (installed by scripts/ensure-chromium.ts, never downloaded)
// against the app, talking to a stack: the one `npm test` booted (COACHLINE_API_URL /
// COACHLINE_DB_URL), or a throwaway one booted here and torn down after. The app is served twice:
// by Vite's dev server, and as the production build (`vite build`, then `node build`) for the
// files that call useProductionBuild() (see browser.ts).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import type { ViteDevServer } from 'vite';
import { bootTestStack, type TestStack } from '../../stack/test-stack.ts';
import { findFreePort } from '../../stack/postgres.ts';
import { ANON_KEY } from '../../stack/keys.ts';
import { ensureChromium } from '../../scripts/ensure-chromium.ts';
import {
	buildApp,
	productionOrigin,
	serveBuild,
	type ProductionServer
} from './production-server.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let stack: TestStack | null = null;
let server: ViteDevServer | null = null;
let production: ProductionServer | null = null;

export async function setup(project: TestProject): Promise<void> {
	const chromium = ensureChromium();
	let apiUrl = process.env.COACHLINE_API_URL;
	let dbUrl = process.env.COACHLINE_DB_URL;
	let mailUrl = process.env.COACHLINE_MAIL_URL ?? '';
	if (!apiUrl || !dbUrl) {
		stack = await bootTestStack();
		apiUrl = stack.apiUrl;
		dbUrl = stack.dbUrl;
		mailUrl = stack.mailUrl;
	}

	// The app reads these when its server starts; vite.config.ts may have defaulted them already.
	process.env.PUBLIC_SUPABASE_URL = apiUrl;
	process.env.PUBLIC_SUPABASE_ANON_KEY = ANON_KEY;

	// Built before the dev server starts: both write under .svelte-kit/.
	const productionPort = await findFreePort(5800 + Math.floor(Math.random() * 150));
	const buildSeconds = buildApp(root, productionOrigin(productionPort));
	console.log(`[e2e] production build: ${buildSeconds.toFixed(0)} s`);
	production = await serveBuild(root, productionPort, {
		PUBLIC_SUPABASE_URL: apiUrl,
		PUBLIC_SUPABASE_ANON_KEY: ANON_KEY
	});

	const port = await findFreePort(5300 + Math.floor(Math.random() * 500));
	const { createServer } = await import('vite');
	server = await createServer({
		root,
		configFile: path.join(root, 'vite.config.ts'),
		logLevel: process.env.E2E_VITE_LOG === '1' ? 'info' : 'warn',
		clearScreen: false,
		server: { host: '127.0.0.1', port, strictPort: true, hmr: false, watch: null }
	});
	await server.listen();
	const appUrl = `http://127.0.0.1:${port}`;

	// The dev server compiles on first request: warm the pages up so tests measure the app.
	for (const p of ['/', '/login', '/signup']) {
		await fetch(appUrl + p).catch(() => undefined);
	}

	project.provide('appUrl', appUrl);
	project.provide('productionAppUrl', production.url);
	project.provide('rootDir', root);
	project.provide('apiUrl', apiUrl);
	project.provide('dbUrl', dbUrl);
	project.provide('mailUrl', mailUrl);
	project.provide('chromiumPath', chromium);
}

export async function teardown(): Promise<void> {
	await server?.close();
	await production?.stop();
	await stack?.stop();
}

declare module 'vitest' {
	export interface ProvidedContext {
		appUrl: string;
		productionAppUrl: string;
		rootDir: string;
		chromiumPath: string;
	}
}
