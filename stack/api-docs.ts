// docs/api.md, for people who call the API directly (scripts, integrations, an assistant acting
// for a coach): generated from the database itself — each public function's comment, arguments
// and the HINT codes its body raises, and the realtime topics its policies allow — so the guide
// cannot drift from the schema. `npm run db:docs` writes it; `npm test` fails when it is stale.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const docsFile = path.join(repoRoot, 'docs', 'api.md');

interface FunctionRow {
	name: string;
	args: string;
	result: string;
	comment: string | null;
	source: string;
	argnames: string[] | null;
	argtypes: string[];
	nargs: number;
	ndefaults: number;
	enums: Record<string, string> | null;
}

/** An example value for an argument of type `t`, as supabase-js would send it. */
function example(t: string, enums: Record<string, string> | null): string {
	if (t.endsWith('[]')) return `[${example(t.slice(0, -2), enums)}]`;
	if (enums?.[t]) return `'${enums[t]}'`;
	if (t === 'uuid') return "'00000000-0000-4000-8000-000000000000'";
	if (/^(integer|bigint|smallint|numeric|real|double precision)$/.test(t)) return '1';
	if (t === 'boolean') return 'true';
	if (t === 'date') return "'2026-01-31'";
	if (t.startsWith('timestamp')) return "'2026-01-31T05:00:00Z'";
	if (t === 'json' || t === 'jsonb') return '{}';
	return "'…'";
}

/** (SQLSTATE, HINT) of every `raise … using errcode = …, hint = …` in a function body. */
function raisedCodes(source: string): Array<{ state: string; hint: string }> {
	const out = new Map<string, string>();
	for (const stmt of source.match(/raise\s+exception[\s\S]*?;/gi) ?? []) {
		const hint = /hint\s*=\s*'([a-z0-9_]+)'/i.exec(stmt)?.[1];
		const state = /errcode\s*=\s*'([0-9A-Z]{5})'/i.exec(stmt)?.[1] ?? 'P0001';
		if (hint && !out.has(hint)) out.set(hint, state);
	}
	return [...out]
		.map(([hint, state]) => ({ hint, state }))
		.sort((a, b) => a.hint.localeCompare(b.hint));
}

function functionSection(f: FunctionRow): string {
	const names = f.argnames ?? [];
	const inputs = f.argtypes.map((t, i) => ({ name: names[i] ?? '', type: t }));
	const required = inputs.length - f.ndefaults;
	const args = inputs
		.filter((a, i) => a.name && i < required)
		.map((a) => `${a.name}: ${example(a.type, f.enums)}`);
	const call = args.length
		? `supabase.rpc('${f.name}', { ${args.join(', ')} })`
		: `supabase.rpc('${f.name}')`;
	const codes = raisedCodes(f.source);
	const lines = [
		`### \`${f.name}(${f.args})\``,
		'',
		(f.comment ?? '').trim(),
		'',
		`Returns \`${f.result}\`.`,
		''
	];
	if (codes.length) {
		lines.push('Errors (HINT code, SQLSTATE → HTTP status):', '');
		for (const c of codes)
			lines.push(
				`- \`${c.hint}\` (${c.state}${/^PT\d{3}$/.test(c.state) ? ` → ${c.state.slice(2)}` : ''})`
			);
		lines.push('');
	}
	lines.push('```ts', `const { data, error } = await ${call};`, '```', '');
	return lines.join('\n');
}

export async function renderApiDocs(url: string): Promise<string> {
	const sql = postgres(url, { max: 1, onnotice: () => {} });
	try {
		const fns = await sql<FunctionRow[]>`
			select p.proname as name, pg_get_function_arguments(p.oid) as args,
			       pg_get_function_result(p.oid) as result, obj_description(p.oid, 'pg_proc') as comment,
			       p.prosrc as source, p.proargnames as argnames, p.pronargs::int as nargs,
			       p.pronargdefaults::int as ndefaults,
			       array(select format_type(t, null) from unnest(p.proargtypes::oid[]) with ordinality u(t, o) order by o) as argtypes,
			       (select json_object_agg(format_type(e.enumtypid, null), (select min(e2.enumlabel) from pg_enum e2 where e2.enumtypid = e.enumtypid))
			          from pg_enum e where e.enumtypid = any(p.proargtypes::oid[])) as enums
			  from pg_proc p join pg_namespace n on n.oid = p.pronamespace
			 where n.nspname = 'public' and p.prokind = 'f'
			   and has_function_privilege('authenticated', p.oid, 'EXECUTE')
			 order by p.proname, p.oid`;
		const topics = await sql<Array<{ name: string; cmd: string }>>`
			select polname as name, polcmd::text as cmd from pg_policy
			 where polrelid = 'realtime.messages'::regclass order by polname`;
		const [rule] = await sql<Array<{ comment: string | null; source: string }>>`
			select obj_description(p.oid, 'pg_proc') as comment, p.prosrc as source
			  from pg_proc p join pg_namespace n on n.oid = p.pronamespace
			 where n.nspname = 'private' and p.proname = 'can_use_realtime_topic'`;
		const patterns = [
			...(rule?.source ?? '').matchAll(/'\^(\w+):'((?:\s*\|\|\s*(?:v_uuid|':'))*)/g)
		].map(
			(m) =>
				`${m[1]}:${m[2]
					.replace(/\s*\|\|\s*/g, '')
					.replace(/v_uuid/g, '<uuid>')
					.replace(/':'/g, ':')}`
		);
		const out = [
			'# Coachline API for direct use',
			'',
			'<!-- Generated by `npm run db:docs` from the database (function comments, RAISE statements,',
			'realtime policies). Do not edit by hand: `npm test` fails when this file is stale. -->',
			'',
			'## Signing in as a person',
			'',
			'Every call runs as the person signed in, under the same row-level security as the app: a',
			'script sees and changes exactly what that person could. Use the project URL and its anon',
			"(publishable) key with supabase-js, sign in with the person's email and password, and call",
			'the functions below; supabase-js refreshes the hourly access token by itself.',
			'',
			'```ts',
			"import { createClient } from '@supabase/supabase-js';",
			'const supabase = createClient(SUPABASE_URL, SUPABASE_ANON_KEY);',
			"await supabase.auth.signInWithPassword({ email: 'coach@example.com', password: '…' });",
			'```',
			'',
			'Tables are read and written with `supabase.from(table)` under the same rules. Errors come',
			'back as `{ code, message, details, hint }`: `hint` carries the stable code listed under each',
			'function, `code` the SQLSTATE (`PTnnn` answers HTTP status nnn), `message` a sentence to show.',
			'',
			'## Public functions',
			'',
			...fns.map(functionSection),
			'## Realtime topics',
			'',
			(rule?.comment ?? '').trim(),
			'',
			'Private channels (`supabase.channel(topic, { config: { private: true } })`) on these topics:',
			'',
			...patterns.map((p) => `- \`${p}\``),
			'',
			'Policies on `realtime.messages`:',
			'',
			...topics.map(
				(t) => `- ${t.name} (${t.cmd === 'r' ? 'receive' : t.cmd === 'a' ? 'send' : t.cmd})`
			),
			''
		];
		return out.join('\n');
	} finally {
		await sql.end();
	}
}

/** Writes docs/api.md, or with `check` reports whether it matches a fresh generation. */
export async function generateApiDocs(url: string, check = false): Promise<boolean> {
	const fresh = await renderApiDocs(url);
	if (check) {
		const current = existsSync(docsFile) ? readFileSync(docsFile, 'utf8') : '';
		if (current !== fresh) {
			console.error(
				'docs/api.md is not up to date with the database: run `npm run db:docs` and commit it.'
			);
			return false;
		}
		console.log('docs/api.md matches a fresh generation.');
		return true;
	}
	mkdirSync(path.dirname(docsFile), { recursive: true });
	writeFileSync(docsFile, fresh);
	console.log(`Wrote ${path.relative(repoRoot, docsFile)}`);
	return true;
}
