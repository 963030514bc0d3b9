// Where the schema snapshot puts things: the pure parts (which migration is an object's home, how
// pg_dump's output splits into objects). The whole generation is checked against the migrations
// by the 'schema snapshot drift' step of npm test.
import { describe, expect, it } from 'vitest';
import { parseDump, readHomes } from './schema-snapshot.ts';

describe('readHomes', () => {
	const homes = readHomes([
		{
			name: '20261201000100_private_schema.sql',
			sql: 'create schema if not exists private;\ncreate extension if not exists pg_cron with schema pg_catalog;'
		},
		{
			name: '20261201000900_messaging.sql',
			sql: `-- create table public.commented_out (id int);
create table public.messages (id uuid);
create or replace function private.send(p uuid) returns void language sql as $$ select 1 $$;
create policy "Messages are visible to participants" on public.messages for select to authenticated using (true);
select cron.schedule('purge-messages', '0 3 * * *', 'select private.purge()');`
		},
		{
			name: '20261207000100_messaging_send_fast_path.sql',
			sql: `create or replace function private.send(p uuid) returns void language sql as $$ select 2 $$;
create table public.message_drafts (id uuid);`
		},
		{
			name: '20261207000200_erasure_exports.sql',
			sql: 'create function private.export_person(p uuid) returns jsonb language sql as $$ select null $$;'
		}
	]);

	it('names a domain by the first word of a new migration name', () => {
		expect(homes.domains).toEqual(['private', 'messaging', 'erasure']);
		expect(homes.schema.get('private')).toBe('private');
		expect(homes.extension.get('pg_cron')).toBe('private');
		expect(homes.fn.get('private.export_person')).toBe('erasure');
	});

	it('keeps an object in the domain of the migration that first created it', () => {
		expect(homes.fn.get('private.send')).toBe('messaging');
		expect(homes.table.get('public.messages')).toBe('messaging');
	});

	it('puts what a forward migration adds into the domain its name starts with', () => {
		expect(homes.table.get('public.message_drafts')).toBe('messaging');
	});

	it('reads policies and cron jobs, and ignores commented-out SQL', () => {
		expect(homes.policy.get('public.messages messages are visible to participants')).toBe(
			'messaging'
		);
		expect(homes.cron.get('purge-messages')).toBe('messaging');
		expect(homes.table.has('public.commented_out')).toBe(false);
	});
});

describe('parseDump', () => {
	it('splits pg_dump output into objects and drops ownership lines and dump settings', () => {
		const entries = parseDump(`--
-- PostgreSQL database dump
--
SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);

--
-- Name: messages; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.messages (
    id uuid NOT NULL
);


ALTER TABLE public.messages OWNER TO postgres;

--
-- Name: send(uuid); Type: FUNCTION; Schema: private; Owner: postgres
--

CREATE FUNCTION private.send(p uuid) RETURNS void
    LANGUAGE sql
    AS $$ select 1 $$;


ALTER FUNCTION private.send(p uuid) OWNER TO postgres;
`);
		expect(entries).toEqual([
			{
				name: 'messages',
				type: 'TABLE',
				schema: 'public',
				sql: 'CREATE TABLE public.messages (\n    id uuid NOT NULL\n);'
			},
			{
				name: 'send(uuid)',
				type: 'FUNCTION',
				schema: 'private',
				sql: 'CREATE FUNCTION private.send(p uuid) RETURNS void\n    LANGUAGE sql\n    AS $$ select 1 $$;'
			}
		]);
	});
});
