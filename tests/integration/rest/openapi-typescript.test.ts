// The root OpenAPI document is good enough to generate TypeScript types from, as people do with
// PostgREST's: openapi-typescript (5.4.2, pinned: the last line that reads Swagger 2.0, which is
// what PostgREST serves; 6.x and 7.x read only OpenAPI 3) turns it into types, and the TypeScript
// compiler then checks code against them: real columns with their types and which are required,
// enum labels, RPC arguments, and errors where code uses them wrongly.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import openapiTS from 'openapi-typescript';
import ts from 'typescript';
import { SERVICE_ROLE_KEY } from '../../support/stack.ts';
import { db, rest, useRestFixture, waitForTable } from './support.ts';

useRestFixture();

const EXTRA_SQL = `
create type rest_t_mood as enum ('calm', 'busy', 'away');
create table rest_t_moods (id int primary key, mood rest_t_mood not null, history rest_t_mood[], note text);
create function rest_t_set_mood(p_id int, p_mood rest_t_mood default 'calm') returns void language sql as $$ update rest_t_moods set mood = p_mood where id = p_id $$;
`;
const EXTRA_DROP = `
drop function if exists rest_t_set_mood;
drop table if exists rest_t_moods;
drop type if exists rest_t_mood;
`;

let dir: string;
let generated: string;

beforeAll(async () => {
	await db.unsafe(EXTRA_DROP + EXTRA_SQL).simple();
	await waitForTable('rest_t_moods');
	const r = await rest('/', { token: SERVICE_ROLE_KEY });
	expect(r.status).toBe(200);
	generated = await openapiTS(await r.json());
	dir = mkdtempSync(path.join(tmpdir(), 'coachline-openapi-'));
	writeFileSync(path.join(dir, 'api.ts'), generated);
});
afterAll(async () => {
	await db.unsafe(EXTRA_DROP).simple();
	if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Type-checks `code` (importing the generated `definitions` and `paths`); the errors found. */
function typeErrors(code: string): string[] {
	const file = path.join(dir, 'check.ts');
	writeFileSync(file, `import type { definitions, paths } from './api';\n${code}\n`);
	const program = ts.createProgram([file], {
		strict: true,
		noEmit: true,
		skipLibCheck: true,
		target: ts.ScriptTarget.ES2022,
		module: ts.ModuleKind.ESNext,
		moduleResolution: ts.ModuleResolutionKind.Bundler
	});
	return ts
		.getPreEmitDiagnostics(program)
		.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('openapi-typescript over GET /rest/v1/', () => {
	it('generates a definition per table with its columns and their types', () => {
		expect(generated).toContain('export interface definitions {');
		expect(generated).toMatch(/rest_t_authors: \{[^}]*?\bname: string;/s);
		expect(generated).toMatch(/rest_t_authors: \{[^}]*?\bid\?: number;/s);
		expect(generated).toContain('mood: "calm" | "busy" | "away";');
		expect(generated).toContain('history?: ("calm" | "busy" | "away")[];');
		expect(generated).toContain('"/rpc/rest_t_add": {');
	});

	it('the generated types accept right uses of tables and functions and refuse wrong ones', () => {
		const errors = typeErrors(`
type Author = definitions['rest_t_authors'];
export const minimal: Author = { name: 'Ada' };
export const full: Required<Author> = { id: 1, name: 'Ada', owner_id: 'b7d4…', bio: 'math' };
// @ts-expect-error name is text
export const wrongType: Author = { name: 1 };
// @ts-expect-error name is required (not null, no default)
export const missing: Author = { bio: 'x' };
// @ts-expect-error no such column
export const unknownColumn: Author = { name: 'x', nope: 1 };

type Mood = definitions['rest_t_moods']['mood'];
export const calm: Mood = 'calm';
// @ts-expect-error not one of the enum's labels
export const angry: Mood = 'angry';

type AddArgs = paths['/rpc/rest_t_add']['post']['parameters']['body']['args'];
export const add: AddArgs = { a: 1 };
export const addBoth: AddArgs = { a: 1, b: 2 };
// @ts-expect-error a is an integer
export const addText: AddArgs = { a: 'one' };
// @ts-expect-error a has no default
export const addNone: AddArgs = { b: 2 };

type SetMood = paths['/rpc/rest_t_set_mood']['post']['parameters']['body']['args'];
export const setMood: SetMood = { p_id: 1, p_mood: 'busy' };
// @ts-expect-error not one of the enum's labels
export const setBad: SetMood = { p_id: 1, p_mood: 'asleep' };

type AddQuery = paths['/rpc/rest_t_add']['get']['parameters']['query'];
export const addGet: AddQuery = { a: 1, b: 2 };
`);
		expect(errors).toEqual([]);
	});

	it('types the app’s own tables and functions from the migrations', async () => {
		const labels = await db<{ label: string }[]>`
			select e.enumlabel as label from pg_enum e
			where e.enumtypid = 'public.membership_role'::regtype order by e.enumsortorder`;
		expect(labels.length).toBeGreaterThan(1);
		expect(generated).toContain(`role?: ${labels.map((l) => `"${l.label}"`).join(' | ')};`);
		const errors = typeErrors(`
type Membership = definitions['memberships'];
export const m: Pick<Membership, 'organization_id' | 'user_id'> = { organization_id: 'o', user_id: 'u' };
export const role: NonNullable<Membership['role']> = '${labels[0].label}';
// @ts-expect-error not a role
export const badRole: NonNullable<Membership['role']> = 'emperor';
type Accept = paths['/rpc/accept_invitation']['post']['parameters']['body']['args'];
export const accept: Accept = { p_token: 'abc' };
// @ts-expect-error the token is text
export const acceptNumber: Accept = { p_token: 42 };
`);
		expect(errors).toEqual([]);
	});
});
