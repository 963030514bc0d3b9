// What the REST service knows about the exposed schemas, read from pg_catalog: relations, columns,
// keys, foreign-key relationships, functions and the API roles' settings. Identifiers reach SQL only
// after they are found here. Reloaded on `NOTIFY pgrst, 'reload schema'` (debounced).
import type postgres from 'postgres';

export interface Column {
	name: string;
	/** format_type() text, safe to splice after `::` */
	type: string;
	notNull: boolean;
	/** pg_get_expr() of the default, or null */
	default: string | null;
	generated: boolean;
	/** The column's comment (OpenAPI descriptions). */
	comment?: string | null;
}

export interface Relation {
	schema: string;
	name: string;
	kind: 'table' | 'view' | 'other' | 'composite';
	columns: Map<string, Column>;
	pk: string[];
	/** Column sets that are unique (PK and unique constraints). */
	uniques: string[][];
	/** The relation's comment (OpenAPI descriptions). */
	comment?: string | null;
}

export interface ForeignKey {
	/** The constraint's name; a relationship through a view keeps its table's constraint name. */
	name: string;
	/** Derived through a view's columns (PostgREST matches those by the view's name only). */
	viaView?: boolean;
	schema: string;
	table: string;
	columns: string[];
	refSchema: string;
	refTable: string;
	refColumns: string[];
}

export interface FuncArg {
	name: string;
	type: string;
	hasDefault: boolean;
	variadic: boolean;
}

export interface Func {
	schema: string;
	name: string;
	args: FuncArg[];
	/** format_type of the return type */
	returnType: string;
	returnsSet: boolean;
	/** Returns rows with named columns (a table row type, OUT/TABLE columns or a composite). */
	returnsComposite: boolean;
	returnsVoid: boolean;
	/** OUT / TABLE columns of a function returning `record`. */
	outColumns: Column[];
	/** The relation whose row type it returns, if any (enables embedding on results). */
	returnRelation: { schema: string; name: string } | null;
	volatility: 'i' | 's' | 'v';
	/** The table or view whose row type is the single argument (computed fields/relationships). */
	argRelation: { schema: string; name: string } | null;
	/** Declared ROWS estimate (1 makes a set-returning computed relationship to-one). */
	rows: number;
	/** The function's comment (OpenAPI descriptions). */
	comment: string | null;
}

export interface SchemaCache {
	schemas: string[];
	relations: Map<string, Relation>;
	foreignKeys: ForeignKey[];
	functions: Map<string, Func[]>;
	types: Set<string>;
	/**
	 * The labels of each enum type in the exposed schemas, in their order, under its name as
	 * format_type() prints it in a column's type (unqualified or schema-qualified), for OpenAPI.
	 */
	enums?: Map<string, string[]>;
	/** ALTER ROLE … SET settings of the API roles, applied per request as PostgREST does. */
	roleSettings: Map<string, Array<[string, string]>>;
	/** PostgREST's in-database configuration: the `pgrst.*` settings of the connecting role. */
	config: DbConfig;
}

/**
 * What PostgREST reads from `ALTER ROLE authenticator SET pgrst.<name> = …` (reloaded with
 * NOTIFY pgrst, 'reload config'). Unset, the stack behaves as Supabase's PostgREST does.
 */
export interface DbConfig {
	/** pgrst.db_aggregates_enabled: count(), sum(), avg(), min(), max() in select. */
	aggregatesEnabled: boolean;
	/** pgrst.db_plan_enabled: Accept: application/vnd.pgrst.plan answers EXPLAIN. */
	planEnabled: boolean;
	/** pgrst.db_tx_end: whether transactions commit and whether Prefer: tx may override it. */
	txEnd: 'commit' | 'commit-allow-override' | 'rollback' | 'rollback-allow-override';
}

const TX_ENDS: ReadonlyArray<DbConfig['txEnd']> = [
	'commit',
	'commit-allow-override',
	'rollback',
	'rollback-allow-override'
];

function dbConfigOf(settings: ReadonlyArray<[string, string]>): DbConfig {
	const get = (name: string) => settings.find(([k]) => k === `pgrst.${name}`)?.[1];
	const bool = (v: string | undefined) => v !== undefined && /^(true|on|yes|1)$/i.test(v.trim());
	const txEnd = get('db_tx_end') as DbConfig['txEnd'] | undefined;
	return {
		aggregatesEnabled: bool(get('db_aggregates_enabled')),
		planEnabled: bool(get('db_plan_enabled')),
		txEnd: txEnd && TX_ENDS.includes(txEnd) ? txEnd : 'commit-allow-override'
	};
}

/** `{"a","b\"c"}`: a text array literal, so arrays travel as one text parameter. */
export function pgArrayLiteral(values: Array<string | null>): string {
	return `{${values.map((v) => (v === null ? 'NULL' : `"${v.replace(/[\\"]/g, '\\$&')}"`)).join(',')}}`;
}

export const relKey = (schema: string, name: string): string => `${schema}\u0000${name}`;

/**
 * A computed field of `target`: a function in its schema named `name`, taking its row type and
 * returning a value that is not a row of a table (PostgREST selects, filters and orders by it).
 */
export function computedField(
	cache: SchemaCache,
	target: { relation: Relation | null },
	name: string
): Func | undefined {
	const r = target.relation;
	if (!r) return undefined;
	return cache.functions
		.get(relKey(r.schema, name))
		?.find(
			(f) =>
				f.argRelation?.schema === r.schema &&
				f.argRelation.name === r.name &&
				!f.returnsSet &&
				!f.returnsVoid &&
				f.returnRelation === null
		);
}

export async function loadSchemaCache(sql: postgres.Sql, schemas: string[]): Promise<SchemaCache> {
	const arr = pgArrayLiteral(schemas);
	const [rels, cols, cons, funcs, types, settings] = await Promise.all([
		sql.unsafe<
			Array<{
				schema: string;
				name: string;
				kind: string;
				oid: number;
				comment: string | null;
				action: string | null;
			}>
		>(
			`select n.nspname as schema, c.relname as name, c.relkind::text as kind, c.oid::int8 as oid,
			        obj_description(c.oid, 'pg_class') as comment,
			        case when c.relkind = 'v' then (select r.ev_action::text from pg_rewrite r where r.ev_class = c.oid and r.rulename = '_RETURN') end as action
			   from pg_class c join pg_namespace n on n.oid = c.relnamespace
			  where c.relkind in ('r','v','m','f','p','c') and n.nspname = any($1::text[])`,
			[arr]
		),
		sql.unsafe<
			Array<{
				schema: string;
				rel: string;
				name: string;
				type: string;
				notnull: boolean;
				def: string | null;
				generated: string;
				attnum: number;
				comment: string | null;
			}>
		>(
			`select n.nspname as schema, c.relname as rel, a.attname as name,
			        format_type(a.atttypid, null) as type, a.attnotnull as notnull,
			        coalesce(pg_get_expr(d.adbin, d.adrelid),
			          -- An identity column keeps no default expression: its sequence is the default
			          -- (missing=default fills a row that lacks it from there).
			          case when a.attidentity <> '' then format('nextval(%L::regclass)',
			            pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname)) end) as def,
			        a.attgenerated::text as generated, a.attnum::int as attnum,
			        col_description(c.oid, a.attnum) as comment
			   from pg_attribute a
			   join pg_class c on c.oid = a.attrelid
			   join pg_namespace n on n.oid = c.relnamespace
			   left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
			  where c.relkind in ('r','v','m','f','p','c') and n.nspname = any($1::text[])
			    and a.attnum > 0 and not a.attisdropped
			  order by c.oid, a.attnum`,
			[arr]
		),
		sql.unsafe<
			Array<{
				name: string;
				type: string;
				schema: string;
				rel: string;
				cols: string[];
				fschema: string | null;
				frel: string | null;
				fcols: string[] | null;
			}>
		>(
			`select con.conname as name, con.contype::text as type, n.nspname as schema, c.relname as rel,
			        to_json(array(select a.attname::text from unnest(con.conkey) with ordinality k(num, ord)
			               join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.num order by k.ord)) as cols,
			        fn.nspname as fschema, fc.relname as frel,
			        case when con.contype = 'f' then
			          to_json(array(select a.attname::text from unnest(con.confkey) with ordinality k(num, ord)
			                 join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.num order by k.ord))
			        end as fcols
			   from pg_constraint con
			   join pg_class c on c.oid = con.conrelid
			   join pg_namespace n on n.oid = c.relnamespace
			   left join pg_class fc on fc.oid = con.confrelid
			   left join pg_namespace fn on fn.oid = fc.relnamespace
			  where con.contype in ('p','u','f') and n.nspname = any($1::text[])`,
			[arr]
		),
		sql.unsafe<
			Array<{
				schema: string;
				name: string;
				volatility: string;
				retset: boolean;
				rettype: string;
				typtype: string;
				typrelid_schema: string | null;
				typrelid_name: string | null;
				is_record: boolean;
				argnames: string[] | null;
				argtypes: string[];
				argmodes: string[] | null;
				nargs: number;
				ndefaults: number;
				arg_schema: string | null;
				arg_rel: string | null;
				prorows: number;
				comment: string | null;
			}>
		>(
			`select n.nspname as schema, p.proname as name, p.provolatile::text as volatility,
			        p.proretset as retset, format_type(p.prorettype, null) as rettype, t.typtype::text as typtype,
			        rn.nspname as typrelid_schema, rc.relname as typrelid_name,
			        (p.prorettype = 'record'::regtype) as is_record,
			        to_json(p.proargnames) as argnames,
			        to_json(array(select format_type(x, null) from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]))
			               with ordinality u(x, o) order by o)) as argtypes,
			        to_json(p.proargmodes::text[]) as argmodes, p.pronargs::int as nargs, p.pronargdefaults::int as ndefaults,
			        an.nspname as arg_schema, ac.relname as arg_rel, p.prorows::float8 as prorows,
			        obj_description(p.oid, 'pg_proc') as comment
			   from pg_proc p
			   left join pg_type at on p.pronargs = 1 and at.oid = p.proargtypes[0]
			   left join pg_class ac on ac.oid = at.typrelid and ac.relkind in ('r','v','m','f','p')
			   left join pg_namespace an on an.oid = ac.relnamespace
			   join pg_namespace n on n.oid = p.pronamespace
			   join pg_type t on t.oid = p.prorettype
			   left join pg_class rc on rc.oid = t.typrelid
			   left join pg_namespace rn on rn.oid = rc.relnamespace
			  where n.nspname = any($1::text[]) and p.prokind = 'f'`,
			[arr]
		),
		sql.unsafe<Array<{ typname: string; formatted: string; labels: string[] | null }>>(
			`select t.typname, format_type(t.oid, null) as formatted,
			        case when t.typtype = 'e' and n.nspname = any($1::text[]) then
			          array(select e.enumlabel::text from pg_enum e where e.enumtypid = t.oid
			                 order by e.enumsortorder) end as labels
			   from pg_type t join pg_namespace n on n.oid = t.typnamespace
			  where t.typtype in ('b','d','e','r','m','c') and t.typname !~ '^_'
			    and (n.nspname = any($1::text[]) or n.nspname in ('pg_catalog','extensions'))`,
			[arr]
		),
		sql.unsafe<Array<{ role: string; setting: string }>>(
			`select r.rolname as role, unnest(s.setconfig) as setting
			   from pg_db_role_setting s join pg_roles r on r.oid = s.setrole
			  where r.rolname in ('anon','authenticated','service_role', current_user)
			    and s.setdatabase in (0, (select oid from pg_database where datname = current_database()))`
		)
	]);

	const relations = new Map<string, Relation>();
	for (const r of rels) {
		const kind =
			r.kind === 'r' || r.kind === 'p'
				? 'table'
				: r.kind === 'v' || r.kind === 'm'
					? 'view'
					: r.kind === 'c'
						? 'composite'
						: 'other';
		relations.set(relKey(r.schema, r.name), {
			schema: r.schema,
			name: r.name,
			kind,
			columns: new Map(),
			pk: [],
			uniques: [],
			comment: r.comment
		});
	}
	for (const c of cols) {
		relations.get(relKey(c.schema, c.rel))?.columns.set(c.name, {
			name: c.name,
			type: c.type,
			notNull: c.notnull,
			default: c.def,
			generated: c.generated !== '',
			comment: c.comment
		});
	}
	const foreignKeys: ForeignKey[] = [];
	for (const c of cons) {
		const rel = relations.get(relKey(c.schema, c.rel));
		if (!rel) continue;
		if (c.type === 'p') {
			rel.pk = c.cols;
			rel.uniques.push(c.cols);
		} else if (c.type === 'u') rel.uniques.push(c.cols);
		else if (c.type === 'f' && c.fschema && c.frel && c.fcols) {
			foreignKeys.push({
				name: c.name,
				schema: c.schema,
				table: c.rel,
				columns: c.cols,
				refSchema: c.fschema,
				refTable: c.frel,
				refColumns: c.fcols
			});
		}
	}

	foreignKeys.push(...viewForeignKeys(rels, cols, foreignKeys));

	const functions = new Map<string, Func[]>();
	for (const f of funcs) {
		const modes = f.argmodes ?? f.argtypes.map(() => 'i');
		const args: FuncArg[] = [];
		let inputIndex = 0;
		let hasOut = false;
		const outColumns: Column[] = [];
		modes.forEach((mode, i) => {
			if (mode === 'o' || mode === 't' || mode === 'b') {
				outColumns.push({
					name: f.argnames?.[i] ?? `column${i + 1}`,
					type: f.argtypes[i],
					notNull: false,
					default: null,
					generated: false
				});
			}
			if (mode === 'o' || mode === 't') {
				hasOut = true;
				return;
			}
			inputIndex++;
			args.push({
				name: f.argnames?.[i] ?? '',
				type: f.argtypes[i],
				hasDefault: inputIndex > f.nargs - f.ndefaults,
				variadic: mode === 'v'
			});
		});
		const key = relKey(f.schema, f.name);
		const list = functions.get(key) ?? [];
		list.push({
			schema: f.schema,
			name: f.name,
			args,
			returnType: f.rettype,
			returnsSet: f.retset,
			returnsComposite: f.typtype === 'c' || (f.is_record && hasOut),
			returnsVoid: f.rettype === 'void',
			outColumns,
			returnRelation:
				f.typrelid_schema && f.typrelid_name
					? { schema: f.typrelid_schema, name: f.typrelid_name }
					: null,
			volatility: f.volatility as Func['volatility'],
			argRelation: f.arg_schema && f.arg_rel ? { schema: f.arg_schema, name: f.arg_rel } : null,
			rows: f.prorows,
			comment: f.comment
		});
		functions.set(key, list);
	}

	const [{ connectedAs }] = await sql.unsafe<Array<{ connectedAs: string }>>(
		'select current_user as "connectedAs"'
	);
	const roleSettings = new Map<string, Array<[string, string]>>();
	for (const s of settings) {
		const eq = s.setting.indexOf('=');
		if (eq <= 0) continue;
		const list = roleSettings.get(s.role) ?? [];
		list.push([s.setting.slice(0, eq), s.setting.slice(eq + 1)]);
		roleSettings.set(s.role, list);
	}

	return {
		schemas,
		relations,
		foreignKeys,
		functions,
		types: new Set(types.map((t) => t.typname)),
		enums: new Map(
			types
				.filter((t) => t.labels)
				.flatMap((t) => [
					[t.formatted, t.labels!],
					[t.typname, t.labels!]
				])
		),
		roleSettings,
		config: dbConfigOf(roleSettings.get(connectedAs) ?? [])
	};
}

/**
 * Relationships through views, as PostgREST finds them: a view column that shows a table's
 * column unchanged (its query tree's TargetEntry carries :resorigtbl/:resorigcol) stands in for
 * it, so every foreign key whose columns a view shows on one side holds for the view too.
 */
function viewForeignKeys(
	rels: ReadonlyArray<{ schema: string; name: string; oid: number; action: string | null }>,
	cols: ReadonlyArray<{ schema: string; rel: string; name: string; attnum: number }>,
	fks: ForeignKey[]
): ForeignKey[] {
	const relByOid = new Map(rels.map((r) => [Number(r.oid), r]));
	const colName = new Map<string, string>();
	const oidOf = new Map(rels.map((r) => [relKey(r.schema, r.name), Number(r.oid)]));
	for (const c of cols) colName.set(`${oidOf.get(relKey(c.schema, c.rel))}:${c.attnum}`, c.name);
	/** Per view: base table key → (base column → view column). */
	const views: Array<{ schema: string; name: string; shows: Map<string, Map<string, string>> }> =
		[];
	for (const v of rels) {
		if (!v.action) continue;
		const byResno = new Map<number, [number, number]>();
		const re =
			/:resno (\d+) :resname \S+ :ressortgroupref \d+ :resorigtbl (\d+) :resorigcol (\d+)/g;
		for (const m of v.action.matchAll(re)) byResno.set(Number(m[1]), [Number(m[2]), Number(m[3])]);
		const shows = new Map<string, Map<string, string>>();
		for (const [resno, [tbl, col]] of byResno) {
			const base = relByOid.get(tbl);
			const viewCol = colName.get(`${v.oid}:${resno}`);
			const baseCol = colName.get(`${tbl}:${col}`);
			if (!base || !viewCol || !baseCol || tbl === Number(v.oid)) continue;
			const key = relKey(base.schema, base.name);
			if (!shows.has(key)) shows.set(key, new Map());
			const m = shows.get(key)!;
			if (!m.has(baseCol)) m.set(baseCol, viewCol);
		}
		if (shows.size) views.push({ schema: v.schema, name: v.name, shows });
	}
	const mapped = (m: Map<string, string> | undefined, columns: string[]) =>
		m && columns.every((c) => m.has(c)) ? columns.map((c) => m.get(c)!) : null;
	const holders: ForeignKey[] = [];
	for (const fk of fks)
		for (const v of views) {
			const columns = mapped(v.shows.get(relKey(fk.schema, fk.table)), fk.columns);
			if (columns) holders.push({ ...fk, schema: v.schema, table: v.name, columns, viaView: true });
		}
	const out = [...holders];
	for (const fk of [...fks, ...holders])
		for (const v of views) {
			const refColumns = mapped(v.shows.get(relKey(fk.refSchema, fk.refTable)), fk.refColumns);
			if (refColumns)
				out.push({ ...fk, refSchema: v.schema, refTable: v.name, refColumns, viaView: true });
		}
	return out;
}
