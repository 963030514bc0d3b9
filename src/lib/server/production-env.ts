// Settings a process needs. In development a missing one falls back to the local stack's
// well-known value (what `npm start` runs). With NODE_ENV=production there is no fallback: a
// deployment that forgot a variable stops at once, naming it, instead of quietly talking to a
// local database or signing requests with the public demo key.

export const isProduction = (): boolean => process.env.NODE_ENV === 'production';

export class MissingSettingError extends Error {
	readonly variable: string;
	constructor(variable: string, what: string) {
		super(
			`${variable} is not set. ${what} NODE_ENV=production has no local default: set ${variable} and start again.`
		);
		this.variable = variable;
	}
}

/**
 * The variable's value; in development `localDefault` when it is unset. Throws
 * MissingSettingError in production (or when there is no default).
 */
export function setting(name: string, what: string, localDefault?: string): string {
	const value = process.env[name];
	if (value) return value;
	if (localDefault !== undefined && !isProduction()) return localDefault;
	throw new MissingSettingError(name, what);
}

/** For command-line entry points: print the refusal and exit 1 instead of a stack trace. */
export function exitOnMissingSetting(e: unknown): never {
	if (e instanceof MissingSettingError) {
		console.error(`✖ ${e.message}`);
		process.exit(1);
	}
	throw e;
}
