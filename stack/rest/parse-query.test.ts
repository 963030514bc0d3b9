import { describe, expect, it } from 'vitest';
import {
	parseList,
	parseLogic,
	parseOrder,
	parseQuery,
	parseSelect,
	splitTop
} from './parse-query.ts';
import { RestError } from './errors.ts';

describe('parseSelect', () => {
	it('reads columns, aliases, casts, json paths and star', () => {
		expect(parseSelect('id,heading:title,rating::text,meta->a->>b,*')).toEqual([
			{ kind: 'column', field: { name: 'id', json: [] }, alias: null, cast: null },
			{ kind: 'column', field: { name: 'title', json: [] }, alias: 'heading', cast: null },
			{ kind: 'column', field: { name: 'rating', json: [] }, alias: null, cast: 'text' },
			{
				kind: 'column',
				field: {
					name: 'meta',
					json: [
						{ arrow: '->', key: 'a' },
						{ arrow: '->>', key: 'b' }
					]
				},
				alias: null,
				cast: null
			},
			{ kind: 'star' }
		]);
	});

	it('reads embeds with aliases, hints, join types, spreads and nesting', () => {
		expect(parseSelect('a:authors!fk_x!inner(name,books(*)),...owner(id)')).toEqual([
			{
				kind: 'embed',
				name: 'authors',
				alias: 'a',
				hint: 'fk_x',
				join: 'inner',
				spread: false,
				select: [
					{ kind: 'column', field: { name: 'name', json: [] }, alias: null, cast: null },
					{
						kind: 'embed',
						name: 'books',
						alias: null,
						hint: null,
						join: null,
						spread: false,
						select: [{ kind: 'star' }]
					}
				]
			},
			{
				kind: 'embed',
				name: 'owner',
				alias: null,
				hint: null,
				join: null,
				spread: true,
				select: [{ kind: 'column', field: { name: 'id', json: [] }, alias: null, cast: null }]
			}
		]);
	});

	it('keeps quoted names whole', () => {
		expect(parseSelect('"a,b":"my col"')).toEqual([
			{ kind: 'column', field: { name: 'my col', json: [] }, alias: 'a,b', cast: null }
		]);
	});

	it('refuses unbalanced input with PGRST100', () => {
		expect(() => parseSelect('a(b')).toThrow(RestError);
		expect(() => parseSelect('a)')).toThrow(RestError);
	});
});

describe('filters and logic trees', () => {
	it('reads operators, negation, quantifiers, languages and lists', () => {
		const q = parseQuery(
			new URLSearchParams(
				'id=not.in.(1,2,"a,b")&title=like(any).{a*,b*}&tsv=fts(english).cat&tags=cs.{x,y}&x=is.null'
			)
		);
		expect(q.nodes.get('')!.conditions).toEqual([
			{
				kind: 'filter',
				field: { name: 'id', json: [] },
				negate: true,
				op: 'in',
				quantifier: null,
				language: null,
				value: ['1', '2', 'a,b']
			},
			{
				kind: 'filter',
				field: { name: 'title', json: [] },
				negate: false,
				op: 'like',
				quantifier: 'any',
				language: null,
				value: ['a*', 'b*']
			},
			{
				kind: 'filter',
				field: { name: 'tsv', json: [] },
				negate: false,
				op: 'fts',
				quantifier: null,
				language: 'english',
				value: 'cat'
			},
			{
				kind: 'filter',
				field: { name: 'tags', json: [] },
				negate: false,
				op: 'cs',
				quantifier: null,
				language: null,
				value: '{x,y}'
			},
			{
				kind: 'filter',
				field: { name: 'x', json: [] },
				negate: false,
				op: 'is',
				quantifier: null,
				language: null,
				value: 'null'
			}
		]);
	});

	it('nests and/or with negation', () => {
		const t = parseLogic('or', false, '(a.eq.1,not.and(b.gte.2,c.not.is.null))');
		expect(t.children).toHaveLength(2);
		expect(t.children[1]).toMatchObject({ kind: 'logic', op: 'and', negate: true });
		expect((t.children[1] as { children: unknown[] }).children[1]).toMatchObject({
			op: 'is',
			negate: true,
			value: 'null'
		});
	});

	it('routes embedded filters and modifiers by path', () => {
		const q = parseQuery(
			new URLSearchParams(
				'posts.title=eq.x&posts.order=id.desc&posts.limit=2&posts.comments.offset=1&not.or=(a.eq.1)'
			)
		);
		expect(q.nodes.get('posts')).toMatchObject({
			limit: 2,
			order: [{ field: { name: 'id' }, dir: 'desc' }]
		});
		expect(q.nodes.get('posts.comments')!.offset).toBe(1);
		expect(q.nodes.get('')!.conditions[0]).toMatchObject({ kind: 'logic', op: 'or', negate: true });
	});

	it('refuses unknown operators and bad limits', () => {
		expect(() => parseQuery(new URLSearchParams('id=zz.1'))).toThrow(RestError);
		expect(() => parseQuery(new URLSearchParams('limit=-1'))).toThrow(RestError);
		expect(() => parseQuery(new URLSearchParams('x=is.maybe'))).toThrow(RestError);
	});

	it('keeps RPC arguments apart from filters', () => {
		const q = parseQuery(new URLSearchParams('a=1.5&b=gt.2'), new Set(['a']));
		expect(q.rest).toEqual([['a', '1.5']]);
		expect(q.nodes.get('')!.conditions[0]).toMatchObject({ field: { name: 'b' }, op: 'gt' });
	});
});

describe('order and lists', () => {
	it('reads directions, nulls placement and to-one relations', () => {
		expect(parseOrder('a.desc.nullslast,b,author(name).asc')).toEqual([
			{ relation: null, field: { name: 'a', json: [] }, dir: 'desc', nulls: 'last' },
			{ relation: null, field: { name: 'b', json: [] }, dir: null, nulls: null },
			{ relation: 'author', field: { name: 'name', json: [] }, dir: 'asc', nulls: null }
		]);
	});

	it('splits on top-level commas only', () => {
		expect(splitTop('a,b(c,d),"e,f",{g,h}')).toEqual(['a', 'b(c,d)', '"e,f"', '{g,h}']);
		expect(parseList('("a\\"b",c)', '(', ')')).toEqual(['a"b', 'c']);
	});
});
