// The athlete's Today ships at most 120 kB of JavaScript (gzip) on a first visit, issue 21's
// budget, read from the production build the e2e suites serve the way `npm run bench -- web`
// reports it (the client entry and what the server manifest lists for the page's layouts and
// page). A change elsewhere once reshuffled the bundler's chunks and pushed Today over it
// unnoticed: sizes are counted, not timed, so they belong in the suite.
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { JS_BUDGET_KB, routeSizes } from '../bench/_web.ts';

describe('the JavaScript budget', () => {
	it("keeps the athlete's Today within 120 kB gzip", async () => {
		const sizes = await routeSizes(path.join(inject('rootDir'), 'build'));
		const today = sizes.find((s) => s.route === '/org/[slug]/today');
		expect(today, 'the Today route is in the build').toBeDefined();
		const kb = today!.js.gzip / 1024;
		console.log(`[js-budget] Today: ${kb.toFixed(1)} kB JS gzip in ${today!.js.files} files`);
		expect(kb, "Today's JavaScript, kB gzip").toBeLessThanOrEqual(JS_BUDGET_KB);
	});
});
