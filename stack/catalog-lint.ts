// Our own pass over the catalog with the rules of Supabase's Security and Performance Advisors
// (splinter) that our migrations must pass: RLS on with policies, fixed search_path, indexed
// foreign keys, auth.uid() evaluated once per query, managed columns stamped, one permissive
// policy per table, command and role. It reads only our schemas: the platform's own objects
// (auth, storage, realtime, extensions, cron) are Supabase's business.
import postgres from 'postgres';

/**
 * Security-definer functions in `public` that anon/authenticated may execute. Each entry must
 * say why it has to be both definer and exposed. Empty: our definer functions live in `private`.
 */
export const DEFINER_ALLOW_LIST: Record<string, string> = {};

interface Finding {
	rule: string;
	object: string;
	detail: string;
}

/**
 * The rules, for an exposed schema (`public`) and the set of schemas we write (`public`,
 * `private`). Both are parameters so a test can plant faults in a schema of its own.
 */
const checks = (exposed: string, ours: string[]): Array<{ rule: string; sql: string }> => {
	const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
	const EXPOSED = lit(exposed);
	const OUR_SCHEMAS = `(${ours.map(lit).join(', ')})`;
	return [
		{
			rule: 'rls_disabled_in_public',
			sql: `select c.relname as object, 'RLS is not enabled' as detail
		        from pg_class c join pg_namespace n on n.oid = c.relnamespace
		       where n.nspname = ${EXPOSED} and c.relkind in ('r', 'p') and not c.relrowsecurity`
		},
		{
			rule: 'rls_enabled_no_policy',
			sql: `select c.relname as object, 'RLS is enabled but the table has no policy' as detail
		        from pg_class c join pg_namespace n on n.oid = c.relnamespace
		       where n.nspname = ${EXPOSED} and c.relkind in ('r', 'p') and c.relrowsecurity
		         and not exists (select 1 from pg_policy p where p.polrelid = c.oid)`
		},
		{
			rule: 'function_search_path_mutable',
			sql: `select n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' as object,
		             'search_path is not pinned (add: set search_path = '''')' as detail
		        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
		       where n.nspname in ${OUR_SCHEMAS} and p.prokind in ('f', 'p')
		         and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c like 'search_path=%')
		         and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')`
		},
		{
			rule: 'security_definer_function_executable',
			sql: `select p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' as object,
		             'security definer function in public executable by anon or authenticated' as detail
		        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
		       where n.nspname = ${EXPOSED} and p.prosecdef
		         and (has_function_privilege('anon', p.oid, 'execute')
		              or has_function_privilege('authenticated', p.oid, 'execute'))`
		},
		{
			rule: 'unindexed_foreign_keys',
			sql: `select cl.relname || '.' || c.conname as object,
		             'foreign key without an index starting with its columns' as detail
		        from pg_constraint c
		        join pg_class cl on cl.oid = c.conrelid
		        join pg_namespace n on n.oid = cl.relnamespace
		       where c.contype = 'f' and n.nspname in ${OUR_SCHEMAS}
		         and not exists (
		           select 1 from pg_index i
		            where i.indrelid = c.conrelid
		              and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
		              and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)`
		},
		{
			rule: 'auth_rls_initplan',
			sql: `select tablename || ': ' || policyname as object,
		             'calls auth.<fn>() or current_setting() per row: wrap it as (select auth.uid())' as detail
		        from pg_policies
		       where schemaname in ${OUR_SCHEMAS}
		         and (
		           (coalesce(qual, '') ~ 'auth\\.(uid|jwt|role|email)\\(\\)' and coalesce(qual, '') !~* 'select\\s+auth\\.(uid|jwt|role|email)\\(\\)')
		           or (coalesce(with_check, '') ~ 'auth\\.(uid|jwt|role|email)\\(\\)' and coalesce(with_check, '') !~* 'select\\s+auth\\.(uid|jwt|role|email)\\(\\)')
		           or (coalesce(qual, '') ~ 'current_setting\\(' and coalesce(qual, '') !~* 'select\\s+current_setting\\(')
		         )`
		},
		{
			// Not a splinter rule: ours. created_at, updated_at and created_by are the database's to
			// set; a table that has one needs the trigger that overrides what a client sends.
			rule: 'managed_columns_not_stamped',
			sql: `select c.relname || '.' || a.attname as object,
		             'needs a BEFORE INSERT OR UPDATE row trigger executing private.trigger_stamp_managed_columns(''' || a.attname || ''')' as detail
		        from pg_class c
		        join pg_namespace n on n.oid = c.relnamespace
		        join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
		       where n.nspname = ${EXPOSED} and c.relkind in ('r', 'p')
		         and a.attname in ('created_at', 'updated_at', 'created_by')
		         and not exists (
		           select 1 from pg_trigger t
		             join pg_proc p on p.oid = t.tgfoid
		             join pg_namespace pn on pn.oid = p.pronamespace
		            where t.tgrelid = c.oid and not t.tgisinternal and t.tgenabled <> 'D'
		              and pn.nspname = 'private' and p.proname = 'trigger_stamp_managed_columns'
		              and (t.tgtype & 1) = 1 and (t.tgtype & 2) = 2 and (t.tgtype & 4) = 4 and (t.tgtype & 16) = 16
		              and a.attname = any (string_to_array(encode(t.tgargs, 'escape'), '\\000')))`
		},
		{
			rule: 'multiple_permissive_policies',
			sql: `with expanded as (
		        select p.schemaname, p.tablename, p.policyname, r.role_name, c.cmd
		          from pg_policies p
		          cross join lateral unnest(case when p.roles = '{public}'
		                              then array['anon', 'authenticated', 'service_role']::name[]
		                              else p.roles end) as r(role_name)
		          cross join lateral unnest(case when p.cmd = 'ALL'
		                              then array['SELECT', 'INSERT', 'UPDATE', 'DELETE']
		                              else array[p.cmd] end) as c(cmd)
		         where p.permissive = 'PERMISSIVE' and p.schemaname in ${OUR_SCHEMAS})
		      select tablename || ' ' || role_name || ' ' || cmd as object,
		             'several permissive policies: ' || string_agg(policyname, ', ' order by policyname) as detail
		        from expanded group by schemaname, tablename, role_name, cmd having count(*) > 1`
		}
	];
};

export async function runCatalogLint(
	url: string,
	opts: { exposed?: string; schemas?: string[]; quiet?: boolean } = {}
): Promise<{ ok: boolean; findings: Finding[] }> {
	const rules = checks(opts.exposed ?? 'public', opts.schemas ?? ['public', 'private']);
	const sql = postgres(url, { max: 1, onnotice: () => {} });
	const findings: Finding[] = [];
	try {
		for (const check of rules) {
			const rows = await sql.unsafe<Array<{ object: string; detail: string }>>(check.sql);
			for (const r of rows) {
				if (check.rule === 'security_definer_function_executable') {
					const name = r.object.split('(')[0];
					if (DEFINER_ALLOW_LIST[name]) continue;
				}
				findings.push({ rule: check.rule, object: r.object, detail: r.detail });
			}
		}
	} finally {
		await sql.end();
	}
	if (!opts.quiet) {
		for (const f of findings) console.log(`✖ ${f.rule}: ${f.object} — ${f.detail}`);
		console.log(
			findings.length === 0
				? `catalog lint: ${rules.length} rules, no findings`
				: `catalog lint: ${findings.length} finding(s)`
		);
	}
	return { ok: findings.length === 0, findings };
}
