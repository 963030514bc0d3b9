// Every screen of the app, as a coach, an owner, an athlete and a visitor, at a phone's 390×844
// and a desktop's 1440×900: nothing scrolls sideways, the console stays clean, axe-core finds no
// serious or critical violation. A screenshot of each screen at each size is saved under
// test-results/screens/<screen>-<size>.png for a person to look at.
//
// The yardstick for "scrolls sideways" is the width the test set, not window.innerWidth: with
// mobile emulation Chromium widens the layout viewport to fit overflowing content, so innerWidth
// would grow with the bug it is meant to catch.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { appUrl, hydrated, launch } from './browser.ts';
import { axeViolations, sidewaysOverflow, signedInState } from '../support/pages.ts';
import { signedInClient } from '../support/stack.ts';

const ORG = '/org/northside';
const ORG_ID = 'a0000000-0000-4000-8000-000000000001';
const COACH_ID = '10000000-0000-4000-8000-000000000002';
const ATHLETE_ID = '10000000-0000-4000-8000-000000000101';
const SCREENS = path.resolve('test-results/screens');

const SIZES = {
	phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
	desktop: { viewport: { width: 1440, height: 900 }, isMobile: false, hasTouch: false }
} as const;
type Size = keyof typeof SIZES;

let browser: Browser;
let assignmentId = '';
let workoutId = '';
let programId = '';
const sessions: Record<string, Awaited<ReturnType<BrowserContext['storageState']>>> = {};

beforeAll(async () => {
	browser = await launch();
	// Real data on every screen: a published workout today for the athlete, a DM each way.
	const { client: coach } = await signedInClient('coach.alex@coachline.dev');
	const workouts = await coach
		.from('workouts')
		.select('id')
		.eq('organization_id', ORG_ID)
		.eq('is_snapshot', false)
		.limit(1)
		.single();
	if (workouts.error) throw workouts.error;
	workoutId = workouts.data.id;
	const programs = await coach
		.from('programs')
		.select('id')
		.eq('organization_id', ORG_ID)
		.limit(1)
		.single();
	if (programs.error) throw programs.error;
	programId = programs.data.id;
	const today = new Date().toISOString().slice(0, 10);
	const assigned = await coach.rpc('assign_personal', {
		p_organization_id: ORG_ID,
		p_athlete_ids: [ATHLETE_ID],
		p_date: today,
		p_kind: 'workout',
		p_mode: 'publish',
		p_sort_order: 0,
		p_workout_id: workoutId,
		p_note: 'Phone fit: keep it smooth'
	});
	if (assigned.error) throw assigned.error;
	const rows = assigned.data as unknown as { id: string }[];
	assignmentId = rows[0].id;
	const sent = await coach.rpc('send_message', {
		p_organization_id: ORG_ID,
		p_recipient_id: ATHLETE_ID,
		p_content:
			'How did the session feel? A long line to see that words wrap on a narrow phone screen without pushing the page sideways.',
		p_client_id: crypto.randomUUID()
	});
	if (sent.error) throw sent.error;

	sessions.coach = await signedInState(browser, 'coach.alex@coachline.dev');
	sessions.owner = await signedInState(browser, 'owner@coachline.dev');
	sessions.athlete = await signedInState(browser, 'athlete01@coachline.dev');
	mkdirSync(SCREENS, { recursive: true });
});

afterAll(async () => {
	await browser?.close();
});

/** Console noise that is not the app's fault: none today; add with a reason when needed. */
const EXPECTED_CONSOLE: RegExp[] = [];

interface Screen {
	name: string;
	path: () => string;
	/** Something that proves the screen rendered its content, not an error page. */
	ready: string;
}

const shared = (role: string): Screen[] => [
	{ name: `${role}-profile`, path: () => '/profile', ready: 'main h1' },
	{ name: `${role}-settings-account`, path: () => '/settings/account', ready: 'main h1' },
	{
		name: `${role}-settings-notifications`,
		path: () => '/settings/notifications',
		ready: 'main h1'
	},
	{ name: `${role}-settings-privacy`, path: () => '/settings/privacy', ready: 'main h1' },
	{ name: `${role}-onboarding`, path: () => '/onboarding', ready: 'main h1' },
	{ name: `${role}-messages`, path: () => `${ORG}/messages`, ready: 'main h1' },
	{
		name: `${role}-assignment`,
		path: () => `${ORG}/assignments/${assignmentId}`,
		ready: 'main h1'
	},
	{
		name: `${role}-discussion`,
		path: () => `${ORG}/assignments/${assignmentId}/discussion`,
		ready: 'main h1'
	}
];

const ROLES: Record<string, Screen[]> = {
	visitor: [
		{ name: 'visitor-home', path: () => '/', ready: 'main h1' },
		{ name: 'visitor-login', path: () => '/login', ready: 'main h1' },
		{ name: 'visitor-signup', path: () => '/signup', ready: 'main h1' },
		{
			name: 'visitor-invite',
			path: () => '/invite/demo-invitation-northside-0001',
			ready: 'main h1'
		}
	],
	coach: [
		{ name: 'coach-overview', path: () => `${ORG}/overview`, ready: 'main h1' },
		{ name: 'coach-calendar', path: () => `${ORG}/calendar`, ready: 'main h1' },
		{ name: 'coach-library', path: () => `${ORG}/library`, ready: 'main h1' },
		{ name: 'coach-library-new', path: () => `${ORG}/library/new`, ready: 'main h1' },
		{ name: 'coach-workout', path: () => `${ORG}/library/${workoutId}`, ready: 'main h1' },
		{ name: 'coach-programs', path: () => `${ORG}/programs`, ready: 'main h1' },
		{ name: 'coach-program', path: () => `${ORG}/programs/${programId}`, ready: 'main h1' },
		{ name: 'coach-people', path: () => `${ORG}/members`, ready: 'main h1' },
		{
			name: 'coach-conversation',
			path: () => `${ORG}/messages/${ATHLETE_ID}`,
			ready: 'main h1'
		},
		...shared('coach')
	],
	owner: [
		{ name: 'owner-members', path: () => `${ORG}/members`, ready: 'main h1' },
		{ name: 'owner-moderation', path: () => `${ORG}/moderation`, ready: 'main h1' },
		{ name: 'owner-overview', path: () => `${ORG}/overview`, ready: 'main h1' }
	],
	athlete: [
		{ name: 'athlete-today', path: () => `${ORG}/today`, ready: 'main h1' },
		{ name: 'athlete-week', path: () => `${ORG}/week`, ready: 'main h1' },
		{
			name: 'athlete-conversation',
			path: () => `${ORG}/messages/${COACH_ID}`,
			ready: 'main h1'
		},
		...shared('athlete')
	]
};

interface Problem {
	screen: string;
	what: string;
}

async function check(page: Page, screen: Screen, size: Size, problems: Problem[]) {
	const consoleErrors: string[] = [];
	const onConsole = (m: { type(): string; text(): string }) => {
		if (m.type() === 'error' && !EXPECTED_CONSOLE.some((r) => r.test(m.text()))) {
			consoleErrors.push(m.text());
		}
	};
	const onPageError = (e: Error) => consoleErrors.push(`pageerror: ${e.message}`);
	page.on('console', onConsole);
	page.on('pageerror', onPageError);
	try {
		const response = await page.goto(screen.path());
		await hydrated(page);
		if (!response || response.status() >= 400) {
			problems.push({ screen: screen.name, what: `HTTP ${response?.status()}` });
		}
		await page.locator(screen.ready).first().waitFor();
		await page.waitForLoadState('networkidle').catch(() => undefined);
		const width = SIZES[size].viewport.width;
		for (const what of await sidewaysOverflow(page, width)) {
			problems.push({ screen: screen.name, what });
		}
		for (const v of await axeViolations(page))
			problems.push({ screen: screen.name, what: `axe ${v}` });
		for (const e of consoleErrors) problems.push({ screen: screen.name, what: `console ${e}` });
		await page.screenshot({
			path: path.join(SCREENS, `${screen.name}-${size}.png`),
			fullPage: true
		});
	} finally {
		page.off('console', onConsole);
		page.off('pageerror', onPageError);
	}
}

describe('every screen fits at 390×844 and 1440×900', () => {
	for (const role of Object.keys(ROLES)) {
		for (const size of Object.keys(SIZES) as Size[]) {
			it(`${role} at ${size}`, async () => {
				const ctx = await browser.newContext({
					...SIZES[size],
					baseURL: appUrl(),
					storageState: sessions[role]
				});
				ctx.setDefaultTimeout(20_000);
				const page = await ctx.newPage();
				const problems: Problem[] = [];
				try {
					for (const screen of ROLES[role]) await check(page, screen, size, problems);
				} finally {
					await ctx.close();
				}
				expect(problems.map((p) => `${p.screen}: ${p.what}`)).toEqual([]);
				// Up to 17 screens, each with an axe run and a full-page screenshot: minutes on a
				// loaded CI machine, not a performance measure.
			}, 600_000);
		}
	}
});
