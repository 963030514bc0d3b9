// supabase/schema/<domain>.sql: a readable snapshot of the schema the migrations produce, one file
// per domain, so the current definition of any table, policy or function is in one place instead
// of spread over the migrations that created and later changed it. Generated from the live
// database (pg_dump, plus catalog reads for what pg_dump leaves to other schemas' owners); `check`
// fails when the committed files differ, as the types drift check does.
//
// Where an object goes: the migrations are read for the FIRST file that creates each table, type
// and function (its home); that file's domain is the part of its name after the timestamp, cut
// back to the longest domain that already has a home file (so `..._messaging_send_fast_path.sql`
// lands in messaging.sql). Everything hanging from a table (constraints, indexes, triggers, row
// security, policies, comments, grants) goes with the table. Order inside a file is fixed (types,
// tables in name order each with its parts, functions by signature), so the output depends only on
// the schema, never on creation order.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { listMigrations } from './migrate.ts';
import { repoRoot } from './paths.ts';
import { PG_BIN, StackError, psql } from './postgres.ts';

export const schemaDir = path.join(repoRoot, 'supabase', 'schema');
const migrationsDir = path.join(repoRoot, 'supabase', 'migrations');
const OWN_SCHEMAS = new Set(['public', 'private']);

interface DumpEntry {
	name: string;
	type: string;
	schema: string;
	sql: string;
}

/** Splits pg_dump's plain output at its `-- Name: …; Type: …; Schema: …` headers. */
export function parseDump(text: string): DumpEntry[] {
	const entries: DumpEntry[] = [];
	const header = /^-- Name: (.*); Type: (.*); Schema: (.*); Owner: .*$/;
	let cur: DumpEntry | null = null;
	for (const line of text.split('\n')) {
		const m = header.exec(line);
		if (m) {
			cur = { name: m[1], type: m[2], schema: m[3], sql: '' };
			entries.push(cur);
			continue;
		}
		// pg_dump's own markers and blank/comment lines are not part of any object
		if (
			!cur ||
			line.startsWith('--') ||
			line.startsWith('\\') ||
			/^SET |^SELECT pg_catalog/.test(line)
		)
			continue;
		cur.sql += line + '\n';
	}
	for (const e of entries)
		e.sql = e.sql
			// ownership is the migration role's, the same for every object: noise in a reading copy
			.replace(/^ALTER [A-Z]+ .* OWNER TO \w+;$/gm, '')
			.replace(/\n{3,}/g, '\n\n')
			.trim();
	return entries.filter((e) => e.sql);
}

export interface Homes {
	domains: string[];
	table: Map<string, string>;
	type: Map<string, string>;
	fn: Map<string, string>;
	policy: Map<string, string>;
	extension: Map<string, string>;
	bucket: Map<string, string>;
	cron: Map<string, string>;
	schema: Map<string, string>;
}

/** Reads the migrations for the first file that creates each object. */
export function readHomes(
	files: { name: string; sql: string }[] = listMigrations().map((name) => ({
		name,
		sql: readFileSync(path.join(migrationsDir, name), 'utf8')
	}))
): Homes {
	const homes: Homes = {
		domains: [],
		table: new Map(),
		type: new Map(),
		fn: new Map(),
		policy: new Map(),
		extension: new Map(),
		bucket: new Map(),
		cron: new Map(),
		schema: new Map()
	};
	const set = (m: Map<string, string>, k: string, d: string) => {
		if (!m.has(k)) m.set(k, d);
	};
	for (const file of files) {
		const name = file.name.replace(/^\d{14}_/, '').replace(/\.sql$/, '');
		// a forward migration joins the longest existing domain its name starts with
		const known = homes.domains
			.filter((d) => name === d || name.startsWith(d + '_'))
			.sort((a, b) => b.length - a.length)[0];
		const domain = known ?? name.split('_')[0];
		if (!homes.domains.includes(domain)) homes.domains.push(domain);
		const sql = file.sql.replace(/--.*$/gm, '').toLowerCase();
		for (const m of sql.matchAll(/create table (?:if not exists )?([\w.]+)/g))
			set(homes.table, m[1], domain);
		for (const m of sql.matchAll(/create schema (?:if not exists )?(\w+)/g))
			set(homes.schema, m[1], domain);
		for (const m of sql.matchAll(/create type ([\w.]+)/g)) set(homes.type, m[1], domain);
		for (const m of sql.matchAll(/create (?:or replace )?function ([\w.]+)\s*\(/g))
			set(homes.fn, m[1], domain);
		for (const m of sql.matchAll(/create policy "([^"]+)"\s+on\s+([\w.]+)/g))
			set(homes.policy, `${m[2]} ${m[1]}`, domain);
		for (const m of sql.matchAll(/create extension (?:if not exists )?"?([\w-]+)"?/g))
			set(homes.extension, m[1], domain);
		for (const m of sql.matchAll(/insert into storage\.buckets[^;]*?values\s*\(\s*'([^']+)'/g))
			set(homes.bucket, m[1], domain);
		for (const m of sql.matchAll(/cron\.schedule\(\s*'([^']+)'/g)) set(homes.cron, m[1], domain);
	}
	return homes;
}

function dump(url: string): string {
	const r = spawnSync(`${PG_BIN}/pg_dump`, ['--schema-only', url], {
		encoding: 'utf8',
		maxBuffer: 256 * 1024 * 1024
	});
	if (r.status !== 0) throw new StackError(`pg_dump failed:\n${r.stderr}`);
	return r.stdout;
}

function query(url: string, sql: string): string[][] {
	const r = psql(url, ['-X', '-A', '-t', '-F', '\t', '-c', sql]);
	if (!r.ok) throw new StackError(`schema snapshot query failed:\n${r.err}`);
	return r.out
		.split('\n')
		.filter((l) => l !== '')
		.map((l) => l.split('\t'));
}

/** The table an entry hangs from, or null for a free-standing object. */
function tableOf(e: DumpEntry): string | null {
	const first = e.name.split(' ')[0];
	switch (e.type) {
		case 'TABLE':
		case 'ROW SECURITY':
			return `${e.schema}.${e.name}`;
		case 'CONSTRAINT':
		case 'FK CONSTRAINT':
		case 'TRIGGER':
		case 'POLICY':
		case 'DEFAULT':
			return `${e.schema}.${first}`;
		case 'INDEX': {
			const m = /\bON (?:ONLY )?([\w.]+)/.exec(e.sql);
			return m ? m[1] : null;
		}
		case 'SEQUENCE': {
			// an identity column's sequence, dumped as the ALTER TABLE that adds it
			const m = /^ALTER TABLE (?:ONLY )?([\w.]+) ALTER COLUMN \w+ ADD GENERATED/m.exec(e.sql);
			return m ? m[1] : null;
		}
		case 'COMMENT':
		case 'ACL': {
			const m = /^(TABLE|COLUMN) ([\w]+)/.exec(e.name);
			return m ? `${e.schema}.${m[2]}` : null;
		}
		default:
			return null;
	}
}

/** The function signature a COMMENT or ACL entry is about. */
function functionOf(e: DumpEntry): string | null {
	if (e.type === 'FUNCTION') return `${e.schema}.${e.name.split('(')[0]}`;
	const m = /^FUNCTION (\w+)\(/.exec(e.name);
	return m && (e.type === 'COMMENT' || e.type === 'ACL') ? `${e.schema}.${m[1]}` : null;
}

const PART_ORDER = [
	'TABLE',
	'DEFAULT',
	'SEQUENCE',
	'CONSTRAINT',
	'FK CONSTRAINT',
	'INDEX',
	'TRIGGER',
	'ROW SECURITY',
	'POLICY',
	'COMMENT',
	'ACL'
];

function byName(a: DumpEntry, b: DumpEntry): number {
	return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Renders every domain's file. Keys are file names, values their text. */
export function renderSchemaSnapshot(url: string): Map<string, string> {
	const homes = readHomes();
	const entries = parseDump(dump(url));
	const perDomain = new Map<
		string,
		{
			types: DumpEntry[];
			tables: Map<string, DumpEntry[]>;
			fns: Map<string, DumpEntry[]>;
			extra: string[];
		}
	>();
	const bucket = (d: string) => {
		let b = perDomain.get(d);
		if (!b) {
			b = { types: [], tables: new Map(), fns: new Map(), extra: [] };
			perDomain.set(d, b);
		}
		return b;
	};
	// pg_dump names a function by its argument types, its comment and grants by names and types
	const byIdentity = new Map(
		query(
			url,
			`select n.nspname || '.' || p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',
			        n.nspname || '.' || p.proname || '(' || pg_catalog.oidvectortypes(p.proargtypes) || ')'
			   from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
			  where n.nspname in ('public', 'private')`
		).map(([identity, types]) => [identity, types])
	);
	const unplaced: string[] = [];
	// identity sequences by name, so their grants go with their table
	const identityTable = new Map<string, string>();
	for (const e of entries) {
		if (e.type === 'EXTENSION') {
			const d = homes.extension.get(e.name);
			if (d) bucket(d).extra.push(e.sql);
			continue;
		}
		if (e.type === 'POLICY' && !OWN_SCHEMAS.has(e.schema)) {
			// policies a migration puts on platform tables (storage.objects, realtime.messages)
			const [table, ...rest] = e.name.split(' ');
			const d = homes.policy.get(`${e.schema}.${table} ${rest.join(' ').toLowerCase()}`);
			if (d) {
				const t = bucket(d).tables;
				const key = `${e.schema}.${table}`;
				t.set(key, [...(t.get(key) ?? []), e]);
			}
			continue;
		}
		const schemaName = e.type === 'SCHEMA' ? e.name : /^SCHEMA (\w+)$/.exec(e.name)?.[1];
		if (schemaName) {
			// the schemas a migration creates, with their grants (private is not exposed to the API)
			const d = homes.schema.get(schemaName);
			if (d) bucket(d).extra.push(e.sql);
			continue;
		}
		// platform defaults (Supabase's default privileges), not the migrations'
		if (e.type === 'DEFAULT ACL') continue;
		if (!OWN_SCHEMAS.has(e.schema)) continue;
		// a type's comment lives with the type
		const typeComment = e.type === 'COMMENT' ? /^TYPE (\w+)$/.exec(e.name) : null;
		if (e.type === 'TYPE' || typeComment) {
			const d = homes.type.get(`${e.schema}.${typeComment ? typeComment[1] : e.name}`);
			if (d) bucket(d).types.push(e);
			else unplaced.push(`${e.type} ${e.schema}.${e.name}`);
			continue;
		}
		const fn = functionOf(e);
		if (fn) {
			const d = homes.fn.get(fn);
			if (!d) {
				unplaced.push(`${e.type} ${e.schema}.${e.name}`);
				continue;
			}
			const f = bucket(d).fns;
			const sig =
				e.type === 'FUNCTION'
					? `${e.schema}.${e.name}`
					: (byIdentity.get(`${e.schema}.${e.name.replace(/^FUNCTION /, '')}`) ?? e.name);
			f.set(sig, [...(f.get(sig) ?? []), e]);
			continue;
		}
		const sequenceAcl = e.type === 'ACL' ? /^SEQUENCE (\w+)$/.exec(e.name) : null;
		const table = sequenceAcl
			? (identityTable.get(`${e.schema}.${sequenceAcl[1]}`) ?? null)
			: tableOf(e);
		if (e.type === 'SEQUENCE' && table) identityTable.set(`${e.schema}.${e.name}`, table);
		const d = table ? homes.table.get(table) : undefined;
		if (!table || !d) {
			if (e.type === 'SEQUENCE' || e.type === 'SEQUENCE OWNED BY') continue;
			unplaced.push(`${e.type} ${e.schema}.${e.name}`);
			continue;
		}
		const t = bucket(d).tables;
		t.set(table, [...(t.get(table) ?? []), e]);
	}
	if (unplaced.length)
		throw new StackError(
			`schema snapshot: no migration creates these objects (a name the reader did not recognise):\n${unplaced.join('\n')}`
		);

	// data the migrations insert: storage buckets and pg_cron jobs
	for (const [id, name, pub, limit, mimes] of query(
		url,
		`select id, name, public, coalesce(file_size_limit::text, 'null'), coalesce(allowed_mime_types::text, 'null') from storage.buckets order by id`
	)) {
		const d = homes.bucket.get(id);
		if (d)
			bucket(d).extra.push(
				`-- storage bucket\n-- id ${id}, name ${name}, public ${pub}, file_size_limit ${limit}, allowed_mime_types ${mimes}`
			);
	}
	const hasCron = query(url, `select to_regclass('cron.job') is not null`)[0]?.[0] === 't';
	for (const [jobname, schedule, command] of hasCron
		? query(url, `select jobname, schedule, command from cron.job order by jobname`)
		: []) {
		const d = homes.cron.get(jobname);
		if (d) bucket(d).extra.push(`-- pg_cron job ${jobname}: '${schedule}' runs ${command}`);
	}

	const files = new Map<string, string>();
	const sep = (title: string) => `-- ${'='.repeat(93)}\n-- ${title}\n-- ${'='.repeat(93)}\n\n`;
	for (const domain of homes.domains) {
		const b = perDomain.get(domain);
		if (!b) continue;
		let out =
			`-- GENERATED by \`npm run db:schema\` from the database the migrations build: do not edit.\n` +
			`-- The current definition of every ${domain} object, whichever migration last changed it.\n\n`;
		if (b.extra.length)
			out += sep('extensions, buckets and scheduled jobs') + b.extra.sort().join('\n\n') + '\n\n';
		if (b.types.length)
			out +=
				sep('types') +
				b.types
					.sort(byName)
					.map((e) => e.sql)
					.join('\n\n') +
				'\n\n';
		const tables = [...b.tables.keys()].sort();
		if (tables.length) {
			out += sep(
				'tables (with their constraints, indexes, triggers, row security, policies, grants)'
			);
			for (const t of tables) {
				const parts = b.tables
					.get(t)!
					.sort((x, y) => PART_ORDER.indexOf(x.type) - PART_ORDER.indexOf(y.type) || byName(x, y));
				out += `-- ${t}\n\n` + parts.map((e) => e.sql).join('\n\n') + '\n\n';
			}
		}
		const sigs = [...b.fns.keys()].sort();
		if (sigs.length) {
			out += sep('functions (with their comments and grants)');
			for (const s of sigs) {
				const parts = b.fns
					.get(s)!
					.sort(
						(x, y) =>
							['FUNCTION', 'COMMENT', 'ACL'].indexOf(x.type) -
							['FUNCTION', 'COMMENT', 'ACL'].indexOf(y.type)
					);
				out += parts.map((e) => e.sql).join('\n\n') + '\n\n';
			}
		}
		files.set(`${domain}.sql`, out.trimEnd() + '\n');
	}
	return files;
}

/** Writes supabase/schema/, or with `check` reports drift and returns false. */
export function generateSchemaSnapshot(url: string, check = false): boolean {
	const fresh = renderSchemaSnapshot(url);
	const existing = existsSync(schemaDir)
		? readdirSync(schemaDir).filter((f) => f.endsWith('.sql'))
		: [];
	if (check) {
		const drifted = [
			...[...fresh.keys()].filter(
				(f) =>
					!existing.includes(f) || readFileSync(path.join(schemaDir, f), 'utf8') !== fresh.get(f)
			),
			...existing.filter((f) => !fresh.has(f))
		];
		if (drifted.length) {
			console.error(
				`supabase/schema is not up to date with the migrations (${drifted.sort().join(', ')}): run \`npm run db:schema\` and commit it.`
			);
			return false;
		}
		console.log(`supabase/schema matches a fresh generation (${fresh.size} files).`);
		return true;
	}
	mkdirSync(schemaDir, { recursive: true });
	for (const f of existing) if (!fresh.has(f)) rmSync(path.join(schemaDir, f));
	for (const [f, text] of fresh) writeFileSync(path.join(schemaDir, f), text);
	console.log(`Wrote ${fresh.size} files in ${path.relative(repoRoot, schemaDir)}/`);
	return true;
}
