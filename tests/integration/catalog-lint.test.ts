// The catalog lint must catch each fault it exists for: plant one of each in a schema of our own
// and expect exactly those findings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCatalogLint } from '../../stack/catalog-lint.ts';
import { adminSql, dbUrl } from '../support/stack.ts';

const schema = `lint_probe_${process.pid}`;
const sql = adminSql();

beforeAll(async () => {
	await sql.unsafe(`
		create schema ${schema};
		create table ${schema}.no_rls (id int primary key);
		create table ${schema}.parent (id int primary key);
		alter table ${schema}.parent enable row level security;
		create table ${schema}.child (id int primary key, parent_id int references ${schema}.parent (id));
		alter table ${schema}.child enable row level security;
		create policy "Children of parent one are visible" on ${schema}.child for select to authenticated using (parent_id = 1);
		create policy "Signed-in people see children" on ${schema}.child for select to authenticated using (auth.uid() is not null);
		create function ${schema}.unpinned() returns int language sql as 'select 1';
		create function ${schema}.exposed_definer() returns int language sql security definer set search_path = '' as 'select 1';
		grant execute on function ${schema}.exposed_definer() to authenticated;
		create table ${schema}.stamped (id int primary key, created_at timestamptz not null default now());
		alter table ${schema}.stamped enable row level security;
		create policy "Stamped rows are visible to signed-in people" on ${schema}.stamped for select to authenticated using (true);
	`);
});

afterAll(async () => {
	await sql.unsafe(`drop schema ${schema} cascade`);
	await sql.end();
});

describe('catalog lint', () => {
	it('reports each planted fault under its rule', async () => {
		const r = await runCatalogLint(dbUrl(), { exposed: schema, schemas: [schema], quiet: true });
		expect(r.ok).toBe(false);
		const byRule = Object.fromEntries(r.findings.map((f) => [f.rule, f.object]));
		expect(byRule).toEqual({
			rls_disabled_in_public: 'no_rls',
			rls_enabled_no_policy: 'parent',
			function_search_path_mutable: `${schema}.unpinned()`,
			security_definer_function_executable: 'exposed_definer()',
			unindexed_foreign_keys: 'child.child_parent_id_fkey',
			auth_rls_initplan: 'child: Signed-in people see children',
			multiple_permissive_policies: 'child authenticated SELECT',
			managed_columns_not_stamped: 'stamped.created_at'
		});
	});

	it('is clean once the faults are fixed', async () => {
		await sql.unsafe(`
			alter table ${schema}.no_rls enable row level security;
			create policy "Rows are visible to signed-in people" on ${schema}.no_rls for select to authenticated using (true);
			create policy "Parents are visible to signed-in people" on ${schema}.parent for select to authenticated using (true);
			drop policy "Signed-in people see children" on ${schema}.child;
			alter function ${schema}.unpinned() set search_path = '';
			revoke execute on function ${schema}.exposed_definer() from public, anon, authenticated;
			create index on ${schema}.child (parent_id);
			create trigger stamped_stamp_managed_columns before insert or update on ${schema}.stamped
			  for each row execute function private.trigger_stamp_managed_columns('created_at');
		`);
		const r = await runCatalogLint(dbUrl(), { exposed: schema, schemas: [schema], quiet: true });
		expect(r.findings).toEqual([]);
	});
});
