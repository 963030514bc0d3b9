// The builder's server errors are keyed by path ("title", "sections.0.movements.2.load"); each
// field shows its own message and points at it with aria-describedby. One place for how.
export type FieldErrors = Record<string, string[] | undefined>;

export interface ErrorLookup {
	/** The message for a path, or undefined. */
	err: (path: string) => string | undefined;
	/** aria-invalid for a path. */
	invalid: (path: string) => 'true' | undefined;
	/** aria-describedby for a path's field whose id is `id` (the message is `${id}-error`). */
	describe: (path: string, id: string) => string | undefined;
}

export function errorLookup(errors: FieldErrors): ErrorLookup {
	return {
		err: (path) => errors[path]?.join(' '),
		invalid: (path) => (errors[path] ? 'true' : undefined),
		describe: (path, id) => (errors[path] ? `${id}-error` : undefined)
	};
}
