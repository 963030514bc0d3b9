// Fixture tables and functions for the REST integration tests; the rest_t_ names keep them clear
// of the app's migrations. Dropped by REST_FIXTURE_DROP.
export const REST_FIXTURE_SQL = `
drop table if exists rest_t_notes, rest_t_comments, rest_t_post_tags, rest_t_tags, rest_t_posts, rest_t_authors, rest_t_big, rest_t_keys, rest_t_nokey, rest_t_slugs, rest_t_items, rest_t_people cascade;
create table rest_t_authors (id serial primary key, name text not null, owner_id uuid, bio text);
create table rest_t_posts (id serial primary key, author_id int references rest_t_authors(id), title text not null, body text, tags text[], meta jsonb, rating int, created_at timestamptz default now(), owner_id uuid default auth.uid(), published boolean default false, tsv tsvector);
create table rest_t_comments (id serial primary key, post_id int not null references rest_t_posts(id) on delete cascade, body text not null, owner_id uuid);
create table rest_t_tags (id serial primary key, name text unique not null);
create table rest_t_post_tags (post_id int references rest_t_posts(id) on delete cascade, tag_id int references rest_t_tags(id) on delete cascade, primary key (post_id, tag_id));
alter table rest_t_authors enable row level security;
alter table rest_t_posts enable row level security;
alter table rest_t_comments enable row level security;
alter table rest_t_tags enable row level security;
alter table rest_t_post_tags enable row level security;
create policy "Anyone reads authors" on rest_t_authors for select to anon, authenticated using (true);
create policy "Published or own posts are readable" on rest_t_posts for select to anon, authenticated using (published or owner_id = (select auth.uid()));
create policy "Users insert own posts" on rest_t_posts for insert to authenticated with check (owner_id = (select auth.uid()));
create policy "Users update own posts" on rest_t_posts for update to authenticated using (owner_id = (select auth.uid()));
create policy "Users delete own posts" on rest_t_posts for delete to authenticated using (owner_id = (select auth.uid()));
create policy "Anyone reads comments" on rest_t_comments for select to anon, authenticated using (true);
create policy "Anyone reads tags" on rest_t_tags for select to anon, authenticated using (true);
create policy "Anyone reads post tags" on rest_t_post_tags for select to anon, authenticated using (true);
insert into rest_t_authors (name, bio) values ('Ada', 'math'), ('Grace', null), ('Linus', 'kernel');
insert into rest_t_posts (author_id, title, body, tags, meta, rating, published, tsv) values
 (1, 'Engines', 'analytical engine notes', '{math,history}', '{"a":{"b":1},"n":5}', 5, true, to_tsvector('english','analytical engine notes')),
 (1, 'Bernoulli', 'numbers', '{math}', '{"a":{"b":2}}', 4, true, to_tsvector('english','numbers')),
 (2, 'Compilers', 'the first compiler', '{cs}', null, null, true, to_tsvector('english','the first compiler')),
 (3, 'Kernels', 'a hobby, won''t be big', '{cs,os}', '{"n":7}', 3, true, to_tsvector('english','a hobby project')),
 (null, 'Orphan', 'nobody wrote this', '{}', null, 1, true, null),
 (2, 'Secret', 'hidden draft', null, null, 2, false, null);
insert into rest_t_comments (post_id, body) values (1, 'great'), (1, 'nice'), (2, 'ok'), (3, 'wow');
insert into rest_t_tags (name) values ('math'), ('cs');
insert into rest_t_post_tags values (1,1),(2,1),(3,2),(4,2);
create or replace function rest_t_add(a int, b int default 10) returns int language sql immutable as $$ select a + b $$;
create or replace function rest_t_posts_by(author int) returns setof rest_t_posts language sql stable as $$ select * from rest_t_posts where author_id = author $$;
create or replace function rest_t_noop() returns void language plpgsql volatile as $$ begin perform 1; end $$;
create or replace function rest_t_echo(jsonb) returns jsonb language sql immutable as $$ select $1 $$;
create or replace function rest_t_fail() returns int language plpgsql as $$ begin raise exception 'nope' using errcode = 'PT418', hint = 'teapot'; end $$;
create or replace function rest_t_counts() returns table(author text, n bigint) language sql stable as $$ select a.name, count(p.id) from rest_t_authors a left join rest_t_posts p on p.author_id = a.id group by a.name order by a.name $$;
create or replace function rest_t_series(n int) returns setof int language sql immutable as $$ select generate_series(1, n) $$;
create or replace function rest_t_new_author(name text) returns rest_t_authors language sql volatile as $$ insert into rest_t_authors(name) values (name) returning * $$;
create or replace function rest_t_whoami() returns jsonb language sql stable as $$ select jsonb_build_object('role', current_user, 'sub', auth.uid(), 'method', current_setting('request.method', true), 'path', current_setting('request.path', true), 'hdr', current_setting('request.headers', true)::jsonb->>'x-test') $$;
create table rest_t_notes (id serial primary key, owner_id uuid not null default auth.uid(), body text not null check (length(body) < 100));
alter table rest_t_notes enable row level security;
create policy "Users read own notes" on rest_t_notes for select to authenticated using (owner_id = (select auth.uid()));
create policy "Users insert own notes" on rest_t_notes for insert to authenticated with check (owner_id = (select auth.uid()));
create policy "Users update own notes" on rest_t_notes for update to authenticated using (owner_id = (select auth.uid()));
create policy "Users delete own notes" on rest_t_notes for delete to authenticated using (owner_id = (select auth.uid()));
-- Never analyzed (autovacuum off): the planner guesses its row counts, so planned counts differ
-- from exact ones; anon sees 1500 of the 2000 rows through RLS.
create table rest_t_big (id serial primary key, n int not null) with (autovacuum_enabled = false);
alter table rest_t_big enable row level security;
create policy "Anon reads n up to 1500" on rest_t_big for select to anon using (n <= 1500);
insert into rest_t_big (n) select g from generate_series(1, 2000) g;
-- A composite key listed in another order than the columns, and a table without a key.
create table rest_t_keys (org text not null, num int8 not null, label text, primary key (num, org));
create table rest_t_nokey (label text);
alter table rest_t_keys enable row level security;
alter table rest_t_nokey enable row level security;
create policy "Users read keys" on rest_t_keys for select to authenticated using (true);
create policy "Users insert keys" on rest_t_keys for insert to authenticated with check (true);
create policy "Users update keys" on rest_t_keys for update to authenticated using (true);
create policy "Users read nokey" on rest_t_nokey for select to authenticated using (true);
create policy "Users insert nokey" on rest_t_nokey for insert to authenticated with check (true);
-- An identity key (no default expression in pg_attrdef) and a defaulted column, for missing=default.
create table rest_t_slugs (id int generated by default as identity primary key, slug text not null default 'none');
alter table rest_t_slugs enable row level security;
-- Fifteen rows to delete and update under Prefer: max-affected (service role only).
create table rest_t_items (id int primary key, label text);
alter table rest_t_items enable row level security;
insert into rest_t_items select g, 'item ' || g from generate_series(1, 15) g;
create or replace function rest_t_delete_items(upto int) returns setof rest_t_items language sql volatile as $$ delete from rest_t_items where id <= upto returning * $$;
create or replace function rest_t_count_items() returns int language sql stable as $$ select count(*)::int from rest_t_items $$;
-- A self-reference: each person's parent is another person.
create table rest_t_people (id int primary key, name text not null, parent_id int references rest_t_people(id));
alter table rest_t_people enable row level security;
create policy "Anyone reads people" on rest_t_people for select to anon, authenticated using (true);
insert into rest_t_people values (1, 'Root', null), (2, 'Kid A', 1), (3, 'Kid B', 1), (4, 'Grandkid', 2);
-- Computed fields and relationships: functions of an author's row.
create or replace function rest_t_label(a rest_t_authors) returns text language sql stable as $$ select a.name || ' (' || coalesce(a.bio, '-') || ')' $$;
create or replace function rest_t_top_post(a rest_t_authors) returns setof rest_t_posts rows 1 language sql stable as $$ select * from rest_t_posts p where p.author_id = a.id order by p.rating desc nulls last limit 1 $$;
create or replace function rest_t_post_list(a rest_t_authors) returns setof rest_t_posts language sql stable as $$ select * from rest_t_posts p where p.author_id = a.id $$;
-- A view over posts: it shows author_id unchanged, so the posts → authors key holds for it.
create view rest_t_posts_view with (security_invoker = true) as select id, author_id, title from rest_t_posts;
-- Single unnamed arguments taken from a text or binary body, and an overload PostgREST cannot pick.
create or replace function rest_t_shout(text) returns text language sql immutable as $$ select upper($1) $$;
create or replace function rest_t_byte_count(bytea) returns int language sql immutable as $$ select length($1) $$;
create or replace function rest_t_pick(x int) returns text language sql immutable as $$ select 'int' $$;
create or replace function rest_t_pick(x text) returns text language sql immutable as $$ select 'text' $$;
comment on table rest_t_authors is 'People who write posts';
comment on column rest_t_authors.bio is 'A line about the author';
comment on function rest_t_add(int, int) is E'Adds two numbers\n\nb defaults to 10.';
`;

export const REST_FIXTURE_DROP = `
drop table if exists rest_t_notes, rest_t_comments, rest_t_post_tags, rest_t_tags, rest_t_posts, rest_t_authors, rest_t_big, rest_t_keys, rest_t_nokey, rest_t_slugs, rest_t_items, rest_t_people cascade;
drop function if exists rest_t_add, rest_t_posts_by, rest_t_noop, rest_t_echo, rest_t_fail, rest_t_counts, rest_t_series, rest_t_new_author, rest_t_whoami, rest_t_delete_items, rest_t_count_items, rest_t_label, rest_t_shout, rest_t_byte_count, rest_t_pick(int), rest_t_pick(text);
`;
