// postgres.js queries as plain thenables instead of Promise subclasses.
//
// postgres.js (3.4.x) makes every query a `class Query extends Promise`. Under load, with queries
// issued from more than one place in the code, 10–25 % of everything a request allocates then
// survives V8's young-generation collections and is promoted, only to die in the next full
// collection: the HTTP service's scavenges took 10–20 ms every ~300 ms (`--trace-gc`), which set
// its p99. Measured with a bare pool (16 concurrent loops, no HTTP, Node 24 and Node 20 alike):
//
//   two statements per loop, awaited          survival 11–13 %, scavenge pause 6–10 ms
//   the same, Query not a Promise subclass    survival 0.3 %,  scavenge pause 0.5 ms
//   BEGIN; setup; statement; COMMIT pipelined survival 20–26 % → 7.5 %, pause 13–15 → 2.7 ms
//
// The fix keeps the class and every method of it, and only swaps its base: the query's promise
// becomes a private native Promise that `then`/`catch`/`finally` delegate to. `await`,
// Promise.all/allSettled and `.catch(...)` see a thenable, which the language resolves exactly
// as it resolved the subclass (its constructor was never %Promise%, so it was never on the
// native fast path either). Nothing in postgres.js tests `instanceof Promise`; `instanceof Query`
// still holds. The class is shared by every postgres.js pool in this isolate, so the gateway
// installs it once at start, for every service's pool. If a future postgres.js changes the shape this relies on, nothing is
// touched and `installed` stays false (an integration test checks it against the pinned version).
import postgres from 'postgres';

const kPromise = Symbol('query promise');

/** What `class Query extends Promise` now extends: the executor feeds a native promise. */
class QueryThenable<T> implements PromiseLike<T> {
	readonly [kPromise]: Promise<T>;
	constructor(executor: (resolve: (value: T) => void, reject: (reason?: unknown) => void) => void) {
		this[kPromise] = new Promise<T>(executor);
	}
	then<A = T, B = never>(
		onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
		onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null
	): Promise<A | B> {
		return this[kPromise].then(onFulfilled, onRejected);
	}
	catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<T | B> {
		return this[kPromise].catch(onRejected);
	}
	finally(onFinally?: (() => void) | null): Promise<T> {
		return this[kPromise].finally(onFinally);
	}
}

let installed = false;

/** Whether postgres.js queries in this isolate are plain thenables. */
export function queryThenableInstalled(): boolean {
	return installed;
}

/**
 * Rebases postgres.js's Query class on QueryThenable. The class is reached through an unexecuted
 * query of `sql` (any pool; by default one that never connects): nothing is sent. Idempotent.
 */
export function installQueryThenable(sql: postgres.Sql = postgres({ max: 1 })): boolean {
	if (installed) return true;
	const probe: object = sql.unsafe('select 1');
	const Query = Object.getPrototypeOf(probe)?.constructor as
		(abstract new (...args: never[]) => unknown) | undefined;
	// The shape this relies on: Query extends Promise directly and its then/catch/finally call
	// the base class's (super.then/catch/finally).
	if (
		typeof Query !== 'function' ||
		Object.getPrototypeOf(Query) !== Promise ||
		Object.getPrototypeOf(Query.prototype) !== Promise.prototype ||
		!['then', 'catch', 'finally'].every((m) => Object.hasOwn(Query.prototype, m))
	)
		return false;
	Object.setPrototypeOf(Query, QueryThenable);
	Object.setPrototypeOf(Query.prototype, QueryThenable.prototype);
	installed = true;
	return true;
}
