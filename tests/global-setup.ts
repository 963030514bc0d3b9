// Integration tests run against a stack: the one `npm test` booted (its URLs in the environment),
// or, when a test file is run alone, a throwaway stack booted here and torn down afterwards.
import type { TestProject } from 'vitest/node';
import { bootTestStack, type TestStack } from '../stack/test-stack.ts';

let stack: TestStack | null = null;

export async function setup(project: TestProject): Promise<void> {
	let apiUrl = process.env.COACHLINE_API_URL;
	let dbUrl = process.env.COACHLINE_DB_URL;
	// A stack booted elsewhere says where its mail catcher is; '' leaves the mail tests to fail
	// with that said, rather than read another stack's mail.
	let mailUrl = process.env.COACHLINE_MAIL_URL ?? '';
	if (!apiUrl || !dbUrl) {
		stack = await bootTestStack();
		apiUrl = stack.apiUrl;
		dbUrl = stack.dbUrl;
		mailUrl = stack.mailUrl;
	}
	project.provide('apiUrl', apiUrl);
	project.provide('dbUrl', dbUrl);
	project.provide('mailUrl', mailUrl);
}

export async function teardown(): Promise<void> {
	await stack?.stop();
}

declare module 'vitest' {
	export interface ProvidedContext {
		apiUrl: string;
		dbUrl: string;
		mailUrl: string;
	}
}
