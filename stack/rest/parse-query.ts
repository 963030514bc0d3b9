// PostgREST's URL grammar (select, filters, logic trees, order, limit/offset) → a small AST.
// Nothing here knows the schema: planning (plan*.ts) and build-sql.ts check names against it.
import { badQuery } from './errors.ts';

export interface JsonStep {
	arrow: '->' | '->>';
	key: string;
}

export interface Field {
	name: string;
	json: JsonStep[];
}

export type Aggregate = 'count' | 'sum' | 'avg' | 'max' | 'min';

export interface SelectColumn {
	kind: 'column';
	/** For `count()` alone: an empty name (count(*)). */
	field: Field;
	alias: string | null;
	cast: string | null;
	/** `col.sum()` and friends; the level is grouped by its other columns. */
	aggregate?: Aggregate | null;
}

export interface SelectStar {
	kind: 'star';
}

export interface SelectEmbed {
	kind: 'embed';
	name: string;
	alias: string | null;
	hint: string | null;
	join: 'inner' | 'left' | null;
	spread: boolean;
	select: SelectItem[];
}

export type SelectItem = SelectColumn | SelectStar | SelectEmbed;

export const OPERATORS = [
	'eq',
	'neq',
	'gt',
	'gte',
	'lt',
	'lte',
	'like',
	'ilike',
	'match',
	'imatch',
	'in',
	'is',
	'isdistinct',
	'fts',
	'plfts',
	'phfts',
	'wfts',
	'cs',
	'cd',
	'ov',
	'sl',
	'sr',
	'nxr',
	'nxl',
	'adj'
] as const;
export type Operator = (typeof OPERATORS)[number];
const OPERATOR_SET = new Set<string>(OPERATORS);
const QUANTIFIABLE = new Set<string>([
	'eq',
	'neq',
	'gt',
	'gte',
	'lt',
	'lte',
	'like',
	'ilike',
	'match',
	'imatch'
]);
const FTS = new Set<string>(['fts', 'plfts', 'phfts', 'wfts']);

export interface Filter {
	kind: 'filter';
	field: Field;
	negate: boolean;
	op: Operator;
	quantifier: 'any' | 'all' | null;
	language: string | null;
	/** A list for `in` and quantified operators, else one value. */
	value: string | string[];
}

export interface LogicTree {
	kind: 'logic';
	op: 'and' | 'or';
	negate: boolean;
	children: Condition[];
}

export type Condition = Filter | LogicTree;

export interface OrderTerm {
	/** Set for `rel(col)`: ordering by a to-one embedded resource's column. */
	relation: string | null;
	field: Field;
	dir: 'asc' | 'desc' | null;
	nulls: 'first' | 'last' | null;
}

/** Filters and modifiers that apply to one level of the tree (the root or an embed path). */
export interface QueryNode {
	conditions: Condition[];
	order: OrderTerm[] | null;
	limit: number | null;
	offset: number | null;
	/** `rel=not.is.null` / `rel=is.null` on an embed, keyed by the embed's name or alias. */
	embedNull: Map<string, boolean>;
}

export interface ParsedQuery {
	select: SelectItem[] | null;
	/** Keyed by embed path: '' for the root, 'a.b' for nested embeds (aliases where given). */
	nodes: Map<string, QueryNode>;
	columns: string[] | null;
	onConflict: string[] | null;
	/** Parameters named in `argNames`: a function's arguments on GET /rpc. */
	rest: Array<[string, string]>;
}

const RESERVED = new Set([
	'select',
	'order',
	'limit',
	'offset',
	'columns',
	'on_conflict',
	'or',
	'and'
]);

export function emptyNode(): QueryNode {
	return { conditions: [], order: null, limit: null, offset: null, embedNull: new Map() };
}

// ---------------------------------------------------------------------------------------------
// Low-level helpers

/** Splits on `sep` at depth 0, honouring double quotes (with backslash escapes), () and {}. */
export function splitTop(s: string, sep = ','): string[] {
	const out: string[] = [];
	let depth = 0;
	let quoted = false;
	let cur = '';
	for (let i = 0; i < s.length; i++) {
		const ch = s[i];
		if (quoted) {
			cur += ch;
			if (ch === '\\' && i + 1 < s.length) cur += s[++i];
			else if (ch === '"') quoted = false;
			continue;
		}
		if (ch === '"') quoted = true;
		else if (ch === '(' || ch === '{') depth++;
		else if (ch === ')' || ch === '}') depth--;
		if (depth < 0) throw badQuery(`"failed to parse: unbalanced parentheses" in ${s}`);
		if (ch === sep && depth === 0) {
			out.push(cur);
			cur = '';
		} else cur += ch;
	}
	if (quoted || depth !== 0)
		throw badQuery(`"failed to parse: unbalanced quotes or parentheses" in ${s}`);
	out.push(cur);
	return out;
}

function unquote(s: string): string {
	if (s.length >= 2 && s.startsWith('"') && s.endsWith('"'))
		return s.slice(1, -1).replace(/\\(.)/g, '$1');
	return s;
}

const JSON_STEP = /(->>?)/;

/** `col`, `"my col"`, `data->a->>b` */
export function parseField(raw: string): Field {
	const s = raw.trim();
	if (!s) throw badQuery('"failed to parse: empty column name"');
	const parts = s.split(JSON_STEP);
	const name = unquote(parts[0].trim());
	if (!name) throw badQuery(`"failed to parse: empty column name" in ${raw}`);
	const json: JsonStep[] = [];
	for (let i = 1; i < parts.length; i += 2) {
		const key = unquote(parts[i + 1]?.trim() ?? '');
		if (!key) throw badQuery(`"failed to parse json path" in ${raw}`);
		json.push({ arrow: parts[i] as '->' | '->>', key });
	}
	return { name, json };
}

// ---------------------------------------------------------------------------------------------
// select

export function parseSelect(raw: string): SelectItem[] {
	if (raw.trim() === '') return [{ kind: 'star' }];
	return splitTop(raw)
		.map((s) => s.trim())
		.filter((s) => s !== '')
		.map(parseSelectItem);
}

const AGGREGATE =
	/^(?:([^:()]+):(?!:))?(?:(.+)\.)?(count|sum|avg|max|min)\(\)(?:::([a-z_][a-z0-9_ ]*(?:\[\])?))?$/i;

function parseSelectItem(item: string): SelectItem {
	if (item === '*') return { kind: 'star' };
	const agg = AGGREGATE.exec(item);
	if (agg && (agg[2] !== undefined || agg[3].toLowerCase() === 'count')) {
		const [, alias, column, fn, cast] = agg;
		return {
			kind: 'column',
			field: column === undefined ? { name: '', json: [] } : parseField(column),
			alias: alias ? unquote(alias.trim()) : null,
			cast: cast ?? null,
			aggregate: fn.toLowerCase() as Aggregate
		};
	}
	const paren = indexOfTop(item, '(');
	if (paren >= 0) {
		if (!item.endsWith(')')) throw badQuery(`"failed to parse select parameter (${item})"`);
		let head = item.slice(0, paren).trim();
		const inner = item.slice(paren + 1, -1);
		let spread = false;
		if (head.startsWith('...')) {
			spread = true;
			head = head.slice(3);
		}
		let alias: string | null = null;
		const colon = indexOfTop(head, ':');
		if (colon >= 0) {
			alias = unquote(head.slice(0, colon).trim());
			head = head.slice(colon + 1).trim();
		}
		const [nameRaw, ...hints] = head.split('!');
		const name = unquote(nameRaw.trim());
		if (!name || !/^[^()]+$/.test(name))
			throw badQuery(`"failed to parse select parameter (${item})"`);
		let hint: string | null = null;
		let join: 'inner' | 'left' | null = null;
		for (const h of hints.map((x) => x.trim())) {
			if (h === 'inner' || h === 'left') join = h;
			else if (h && hint === null) hint = unquote(h);
			else throw badQuery(`"failed to parse select parameter (${item})"`);
		}
		// `rel()` selects nothing: the embed only filters (with !inner) and is left out of the output.
		const select = inner.trim() === '' ? [] : parseSelect(inner);
		return { kind: 'embed', name, alias, hint, join, spread, select };
	}
	let rest = item;
	let alias: string | null = null;
	let cast: string | null = null;
	const castAt = rest.lastIndexOf('::');
	if (castAt >= 0 && !rest.slice(castAt).includes('"')) {
		cast = rest.slice(castAt + 2).trim();
		rest = rest.slice(0, castAt);
		if (!cast) throw badQuery(`"failed to parse select parameter (${item})"`);
	}
	const colon = indexOfTop(rest, ':');
	if (colon >= 0) {
		alias = unquote(rest.slice(0, colon).trim());
		rest = rest.slice(colon + 1);
		if (!alias) throw badQuery(`"failed to parse select parameter (${item})"`);
	}
	return { kind: 'column', field: parseField(rest), alias, cast };
}

/** First index of `ch` outside double quotes. */
function indexOfTop(s: string, ch: string): number {
	let quoted = false;
	for (let i = 0; i < s.length; i++) {
		if (s[i] === '"') quoted = !quoted;
		else if (!quoted && s[i] === ch) {
			if (ch === ':' && s[i + 1] === ':') return -1;
			return i;
		}
	}
	return -1;
}

// ---------------------------------------------------------------------------------------------
// filters

/** `[not.]op[(any|all|lang)].value` for a known field. */
export function parseFilter(field: Field, expr: string): Filter {
	let s = expr;
	let negate = false;
	if (s.startsWith('not.')) {
		negate = true;
		s = s.slice(4);
	}
	const dot = s.indexOf('.');
	if (dot < 0) throw badQuery(`"failed to parse filter (${expr})"`);
	const opPart = s.slice(0, dot);
	const value = s.slice(dot + 1);
	const m = /^([a-z]+)(?:\(([a-z_]+)\))?$/.exec(opPart);
	if (!m || !OPERATOR_SET.has(m[1])) throw badQuery(`"failed to parse filter (${expr})"`);
	const op = m[1] as Operator;
	let quantifier: 'any' | 'all' | null = null;
	let language: string | null = null;
	if (m[2]) {
		if ((m[2] === 'any' || m[2] === 'all') && QUANTIFIABLE.has(op)) quantifier = m[2];
		else if (FTS.has(op)) language = m[2];
		else throw badQuery(`"failed to parse filter (${expr})"`);
	}
	if (op === 'in')
		return {
			kind: 'filter',
			field,
			negate,
			op,
			quantifier,
			language,
			value: parseList(value, '(', ')')
		};
	if (quantifier)
		return {
			kind: 'filter',
			field,
			negate,
			op,
			quantifier,
			language,
			value: parseList(value, '{', '}')
		};
	if (
		op === 'is' &&
		!['null', 'not_null', 'true', 'false', 'unknown'].includes(value.toLowerCase())
	)
		throw badQuery(`"failed to parse filter (${expr})"`);
	return { kind: 'filter', field, negate, op, quantifier, language, value };
}

/** `(a,b,"c,d")` → ['a','b','c,d'] */
export function parseList(raw: string, open: string, close: string): string[] {
	const s = raw.trim();
	if (!s.startsWith(open) || !s.endsWith(close)) throw badQuery(`"failed to parse list (${raw})"`);
	const body = s.slice(1, -1);
	if (body.trim() === '') return [];
	return splitTop(body).map((v) => unquote(v.trim()));
}

/** A logic tree value: `(a.eq.1,or(b.gt.2,not.c.is.null))`. */
export function parseLogic(op: 'and' | 'or', negate: boolean, raw: string): LogicTree {
	const s = raw.trim();
	if (!s.startsWith('(') || !s.endsWith(')'))
		throw badQuery(`"failed to parse logic tree (${raw})"`);
	const children = splitTop(s.slice(1, -1)).map((item) => parseLogicItem(item.trim()));
	return { kind: 'logic', op, negate, children };
}

function parseLogicItem(item: string): Condition {
	const m = /^(not\.)?(and|or)(\(.*\))$/s.exec(item);
	if (m) return parseLogic(m[2] as 'and' | 'or', !!m[1], m[3]);
	// field.op.value where the field may be quoted and may carry a json path
	let i = 0;
	let quoted = false;
	for (; i < item.length; i++) {
		if (item[i] === '"') quoted = !quoted;
		else if (!quoted && item[i] === '.') break;
	}
	if (i >= item.length) throw badQuery(`"failed to parse logic tree (${item})"`);
	const field = parseField(item.slice(0, i));
	const f = parseFilter(field, item.slice(i + 1));
	if (typeof f.value === 'string') f.value = unquote(f.value);
	return f;
}

// ---------------------------------------------------------------------------------------------
// order

export function parseOrder(raw: string): OrderTerm[] {
	return splitTop(raw)
		.map((s) => s.trim())
		.filter(Boolean)
		.map((term) => {
			let relation: string | null = null;
			let rest = term;
			const rm = /^([^().]+)\(([^()]+)\)(.*)$/.exec(term);
			if (rm) {
				relation = unquote(rm[1]);
				rest = rm[2] + rm[3];
			}
			const parts = rest.split('.');
			let dir: OrderTerm['dir'] = null;
			let nulls: OrderTerm['nulls'] = null;
			while (parts.length > 1) {
				const last = parts[parts.length - 1];
				if ((last === 'asc' || last === 'desc') && dir === null && nulls === null) dir = last;
				else if (last === 'nullsfirst' && nulls === null) nulls = 'first';
				else if (last === 'nullslast' && nulls === null) nulls = 'last';
				else if ((last === 'asc' || last === 'desc') && dir === null) dir = last;
				else break;
				parts.pop();
			}
			return { relation, field: parseField(parts.join('.')), dir, nulls };
		});
}

function parseNonNegative(key: string, v: string): number {
	if (!/^\d{1,15}$/.test(v)) throw badQuery(`"failed to parse ${key} parameter (${v})"`);
	return Number(v);
}

// ---------------------------------------------------------------------------------------------
// the whole query string

export function parseQuery(
	params: Iterable<[string, string]>,
	argNames?: Set<string>
): ParsedQuery {
	const q: ParsedQuery = {
		select: null,
		nodes: new Map([['', emptyNode()]]),
		columns: null,
		onConflict: null,
		rest: []
	};
	const node = (path: string): QueryNode => {
		let n = q.nodes.get(path);
		if (!n) q.nodes.set(path, (n = emptyNode()));
		return n;
	};
	for (const [key, value] of params) {
		if (key === 'select') {
			q.select = parseSelect(value);
			continue;
		}
		if (key === 'columns') {
			q.columns = splitTop(value)
				.map((c) => unquote(c.trim()))
				.filter(Boolean);
			continue;
		}
		if (key === 'on_conflict') {
			q.onConflict = splitTop(value)
				.map((c) => unquote(c.trim()))
				.filter(Boolean);
			continue;
		}
		if (key === 'apikey') continue;
		// Split the key into an embed path and the last element, e.g. `posts.comments.order`.
		const logic = /^(?:(.*)\.)?(not\.)?(and|or)$/.exec(key);
		if (logic && (logic[1] === undefined || !logic[1].endsWith('.'))) {
			const path = logic[1] ?? '';
			if (path === 'not') {
				node('').conditions.push(parseLogic(logic[3] as 'and' | 'or', true, value));
			} else {
				node(path).conditions.push(parseLogic(logic[3] as 'and' | 'or', !!logic[2], value));
			}
			continue;
		}
		const dot = lastTopDot(key);
		const path = dot >= 0 ? key.slice(0, dot) : '';
		const last = dot >= 0 ? key.slice(dot + 1) : key;
		if (last === 'order') {
			node(path).order = parseOrder(value);
			continue;
		}
		if (last === 'limit') {
			node(path).limit = parseNonNegative('limit', value);
			continue;
		}
		if (last === 'offset') {
			node(path).offset = parseNonNegative('offset', value);
			continue;
		}
		if (path === '' && !RESERVED.has(last) && argNames?.has(key)) {
			q.rest.push([key, value]);
			continue;
		}
		// `rel=not.is.null` on an embed is told apart from a column filter at build time.
		const field = parseField(last);
		let f: Filter;
		try {
			f = parseFilter(field, value);
		} catch (e) {
			// On GET /rpc a parameter that is no filter is an argument, even one the function
			// lacks: resolving the function then reports it among the keys (PGRST202).
			if (!argNames || path !== '') throw e;
			q.rest.push([key, value]);
			continue;
		}
		node(path).conditions.push(f);
	}
	return q;
}

/** The last `.` in a key that is not inside quotes or a json path key. */
function lastTopDot(key: string): number {
	let quoted = false;
	let last = -1;
	for (let i = 0; i < key.length; i++) {
		if (key[i] === '"') quoted = !quoted;
		else if (!quoted && key[i] === '.') last = i;
		else if (!quoted && key[i] === '-' && key[i + 1] === '>') break;
	}
	return last;
}
