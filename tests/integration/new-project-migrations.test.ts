// The migrations must apply to a NEW Supabase project as they are. Such a project has the
// platform (roles, auth, storage, realtime, the extensions schema with a few extensions) but not
// pg_cron nor anything our stack adds for its own services. So: a fresh cluster gets the
// platform, then loses whatever a new project lacks (any extension outside the list below, the
// stack's realtime delivery and partition janitor functions), and the official CLI must still
// apply every migration, which then have created what they use themselves.
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster, findFreePort, psql } from '../../stack/postgres.ts';
import { applyPlatform, migrateUp } from '../../stack/migrate.ts';

// What a new hosted project has installed (supabase/postgres init scripts; pg_cron is NOT
// among them: it is enabled per project, here by the first migration).
const NEW_PROJECT_EXTENSIONS = [
	'plpgsql',
	'uuid-ossp',
	'pgcrypto',
	'pgjwt',
	'pg_stat_statements',
	'pg_graphql',
	'supabase_vault'
];

// Objects stack/platform creates for our own services that a hosted project does not have.
const STACK_ONLY = [
	'drop trigger if exists messages_notify_inserted on realtime.messages',
	'drop function if exists realtime.trigger_notify_message_inserted()',
	'drop function if exists realtime.coachline_flush_wal()',
	'drop function if exists realtime.maintain_partitions()'
];

const clusters: Cluster[] = [];
afterAll(() => {
	for (const c of clusters) c.destroy();
});

function rows(url: string, sql: string): string[] {
	const r = psql(url, ['-tA', '-c', sql]);
	if (!r.ok) throw new Error(r.err);
	return r.out.split('\n').filter((l) => l !== '');
}

describe('migrations on a new Supabase project', () => {
	it('apply to the platform minus the stack extras, creating the extensions they use', async () => {
		const port = await findFreePort(57000 + Math.floor(Math.random() * 1000));
		const c = new Cluster({ name: `new-project-${process.pid}-${port}`, port, durable: false });
		clusters.push(c);
		c.init();
		await c.start();
		applyPlatform(c.url);

		const installed = rows(c.url, 'select extname from pg_extension order by 1');
		const extras = installed.filter((e) => !NEW_PROJECT_EXTENSIONS.includes(e));
		// The platform itself must stay honest: nothing a new project lacks.
		expect(extras, 'stack/platform installs only what a new project has').toEqual([]);
		for (const e of extras) rows(c.url, `drop extension "${e}" cascade`);
		for (const stmt of STACK_ONLY) rows(c.url, stmt);
		expect(rows(c.url, `select to_regnamespace('cron') is null`)).toEqual(['t']);

		// The official CLI, as `supabase db push` runs them against a project.
		migrateUp(c.url);

		expect(
			rows(
				c.url,
				`select e.extname || ' in ' || n.nspname from pg_extension e
				   join pg_namespace n on n.oid = e.extnamespace
				  where e.extname in ('pg_cron', 'pgcrypto') order by 1`
			),
			'pg_cron in pg_catalog as Supabase requires, pgcrypto in extensions'
		).toEqual(['pg_cron in pg_catalog', 'pgcrypto in extensions']);
		expect(
			rows(c.url, `select jobname || ' ' || schedule from cron.job order by 1`),
			'the drip publisher and the hourly purge are scheduled by the migrations'
		).toEqual(['publish-due-assignments * * * * *', 'purge-finished-records 17 * * * *']);
		expect(
			rows(c.url, `select count(*) > 0 from pg_proc where pronamespace = 'private'::regnamespace`)
		).toEqual(['t']);
	}, 180_000);
});
