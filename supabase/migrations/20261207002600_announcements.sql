-- Announcements (seed 000 lists an `announcement:new` event; nothing made announcements). Staff
-- post a text to the whole organization or to one program, optionally pinned until a date.
-- Who reads one (RLS): the organization's staff, and its audience: every active member for an
-- organization-wide one, the athletes actively enrolled in the program for a program one.
-- Posting fans out once, in the same transaction: a broadcast `announcement:new` on the
-- private topic org:<organization_id> or program:<program_id> (realtime.messages RLS below), and
-- one push per person of the audience but the author through private.enqueue_notifications
-- (category `announcement`: its toggle, snooze, mutes of the author or of the organization's
-- announcements, quiet hours). Members mark what they read (announcement_reads); staff see
-- "seen by N of M" with the names. Authors edit and delete their own; owners and admins delete
-- anyone's with a reason, recorded in the moderation log (audit_logs, as message moderation).
-- Errors (HINT): not_authenticated, not_staff, not_author, not_admin (PT403),
-- announcement_not_found, program_not_found (PT404), already_deleted (PT409), body_required,
-- body_too_long, pin_in_past, reason_required, reason_too_long (PT422).
-- Touches: public.announcements, public.announcement_reads (new); private.can_use_realtime_topic
-- (program topic added); public.moderation_log and its index (announcement moderation added).

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

create table public.announcements (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  program_id uuid references public.programs (id) on delete cascade,
  author_id uuid not null default auth.uid() references public.profiles (id),
  body text not null,
  pinned_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  edited_at timestamptz,
  deleted_at timestamptz,
  constraint announcements_body_chk check (deleted_at is not null or body ~ '[^[:space:]]'),
  constraint announcements_body_length_chk check (char_length(body) <= 5000),
  constraint announcements_deleted_body_chk check (deleted_at is null or body = '')
);

-- The member's feed: newest first within an organization (keyset on created_at, id), and the
-- program ones; pinned ones are few and read by the same index.
create index announcements_feed_idx on public.announcements (organization_id, created_at desc, id desc)
  where deleted_at is null;
create index announcements_program_feed_idx on public.announcements (program_id, created_at desc, id desc)
  where deleted_at is null and program_id is not null;
-- What is pinned is read first on every first page: a handful of rows, found without the feed.
create index announcements_pinned_idx on public.announcements (organization_id, created_at desc, id desc)
  where deleted_at is null and pinned_until is not null;
create index announcements_program_id_idx on public.announcements (program_id);
create index announcements_author_id_idx on public.announcements (author_id);

comment on table public.announcements is
  'Staff announcements to an organization (program_id null) or to one program''s enrolled athletes; soft-deleted (body emptied).';

create table public.announcement_reads (
  announcement_id uuid not null references public.announcements (id) on delete cascade,
  user_id uuid not null references public.profiles (id),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  read_at timestamptz not null default now(),
  primary key (announcement_id, user_id)
);

create index announcement_reads_user_id_idx on public.announcement_reads (user_id, announcement_id);
create index announcement_reads_organization_id_idx on public.announcement_reads (organization_id);

comment on table public.announcement_reads is 'Who has seen which announcement, and when (staff see "seen by N of M").';

-- The moderation log reads these actions, newest first (announcement moderation added).
create index audit_logs_moderation_v2_idx on public.audit_logs (organization_id, created_at desc, id desc)
  where action in ('moderation.message_deleted', 'moderation.exercise_comment_deleted',
                   'moderation.announcement_deleted', 'member.erased', 'account.deleted');
drop index public.audit_logs_moderation_idx;

-- =============================================================================================
-- private helpers (used by the triggers and policies below)
-- =============================================================================================

create or replace function private.announcement_audience(p_organization_id uuid, p_program_id uuid)
returns setof uuid
language sql
stable
-- definer: the audience is read whoever asks (the posting coach, the seen-by count), across
-- memberships and enrollments the caller's RLS may hide.
security definer
set search_path = ''
as $$
  select m.user_id from public.memberships m
   where announcement_audience.p_program_id is null
     and m.organization_id = announcement_audience.p_organization_id and m.status = 'active'
  union
  select e.user_id from public.program_enrollments e
    join public.memberships m
      on m.organization_id = e.organization_id and m.user_id = e.user_id and m.status = 'active'
   where announcement_audience.p_program_id is not null
     and e.program_id = announcement_audience.p_program_id and e.ended_at is null;
$$;

comment on function private.announcement_audience(uuid, uuid) is
  'Who an announcement is for: the active members of the organization, or the athletes actively enrolled in the program.';

revoke all on function private.announcement_audience(uuid, uuid) from public, anon, authenticated;
grant execute on function private.announcement_audience(uuid, uuid) to service_role;

create or replace function private.readable_announcement_scopes()
returns table (organization_id uuid, program_id uuid)
language sql
stable
-- definer: reads memberships and enrollments without recursing into their RLS.
security definer
set search_path = ''
as $$
  -- organization-wide announcements of every organization I belong to
  select m.organization_id, null::uuid from public.memberships m
   where m.user_id = (select auth.uid()) and m.status = 'active'
  union all
  -- the programs I follow
  select e.organization_id, e.program_id from public.program_enrollments e
    join public.memberships m
      on m.organization_id = e.organization_id and m.user_id = e.user_id and m.status = 'active'
   where e.user_id = (select auth.uid()) and e.ended_at is null;
$$;

comment on function private.readable_announcement_scopes() is
  'The (organization, program) audiences the current user belongs to; program null means organization-wide.';

grant execute on function private.readable_announcement_scopes() to authenticated, service_role;

-- =============================================================================================
-- triggers
-- =============================================================================================

create trigger announcements_set_updated_at
  before update on public.announcements
  for each row execute function private.trigger_set_updated_at();

create or replace function private.trigger_check_announcement()
returns trigger
language plpgsql
-- definer: checks the program's organization whatever the caller's RLS shows.
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and (new.organization_id <> old.organization_id
                           or new.program_id is distinct from old.program_id
                           or new.author_id <> old.author_id or new.created_at <> old.created_at) then
    raise exception 'An announcement keeps its audience and author: delete it and post again.'
      using errcode = 'PT422', hint = 'announcement_immutable';
  end if;
  if tg_op = 'INSERT' then
    new.author_id := coalesce((select auth.uid()), new.author_id);
    -- the moment of the insert itself, so two posts of one transaction still order
    new.created_at := pg_catalog.clock_timestamp();
    new.edited_at := null;
    new.deleted_at := null;
    if new.program_id is not null and not exists (
      select 1 from public.programs p where p.id = new.program_id and p.organization_id = new.organization_id)
    then
      raise exception 'That program is not in this organization.' using errcode = 'PT404', hint = 'program_not_found';
    end if;
  elsif new.deleted_at is null and (new.body, new.pinned_until) is distinct from (old.body, old.pinned_until) then
    new.edited_at := pg_catalog.now();
  end if;
  if new.deleted_at is null and nullif(btrim(new.body), '') is null then
    raise exception 'Write something to announce.' using errcode = 'PT422', hint = 'body_required';
  end if;
  if char_length(new.body) > 5000 then
    raise exception 'Keep the announcement under 5,000 characters.' using errcode = 'PT422', hint = 'body_too_long';
  end if;
  if new.pinned_until is not null and new.deleted_at is null
     and (tg_op = 'INSERT' or new.pinned_until is distinct from old.pinned_until)
     and new.pinned_until <= pg_catalog.now() then
    raise exception 'Pin until a moment in the future.' using errcode = 'PT422', hint = 'pin_in_past';
  end if;
  return new;
end;
$$;

comment on function private.trigger_check_announcement() is
  'Invariants of an announcement: a program of the same organization, a body of 1-5,000 characters, a pin in the future, a fixed audience and author; stamps edited_at.';

create trigger announcements_check
  before insert or update on public.announcements
  for each row execute function private.trigger_check_announcement();

create or replace function private.trigger_fan_out_announcement()
returns trigger
language plpgsql
-- definer: writes the broadcast (realtime.messages) and the pushes (notification_outbox), which
-- no client may write, for an announcement the insert policy already let the author post.
security definer
set search_path = ''
as $$
declare
  v_org public.organizations;
  v_topic text := case when new.program_id is null then 'org:' || new.organization_id::text
                       else 'program:' || new.program_id::text end;
  v_preview text := pg_catalog.left(pg_catalog.regexp_replace(btrim(new.body), '\s+', ' ', 'g'), 140);
  v_users uuid[];
begin
  select * into v_org from public.organizations o where o.id = new.organization_id;
  perform realtime.send(
    jsonb_build_object('announcement_id', new.id, 'organization_id', new.organization_id,
                       'program_id', new.program_id),
    'announcement:new', v_topic, true);
  select coalesce(array_agg(a.user_id), '{}') into v_users
    from private.announcement_audience(new.organization_id, new.program_id) a (user_id)
   where a.user_id <> new.author_id;
  perform private.enqueue_notifications(
    'announcement',
    v_users,
    array_fill(jsonb_build_object(
      'title', 'Announcement · ' || v_org.name,
      'body', v_preview,
      'url', '/org/' || v_org.slug || '/announcements',
      'organization_id', new.organization_id,
      'announcement_id', new.id,
      'sender_id', new.author_id,
      -- lets a person mute one organization's announcements (a conversation mute)
      'conversation_key', 'announcements:' || new.organization_id::text), array[cardinality(v_users)]),
    array_fill('announcement:' || new.id::text, array[cardinality(v_users)]));
  return new;
end;
$$;

comment on function private.trigger_fan_out_announcement() is
  'A new announcement goes out once: announcement:new on org:<id> or program:<id>, and one push per person of its audience but the author.';

create trigger announcements_fan_out
  after insert on public.announcements
  for each row execute function private.trigger_fan_out_announcement();

create or replace function private.trigger_fill_announcement_read()
returns trigger
language plpgsql
-- definer: fills the organization from the announcement whatever the caller's RLS shows; the
-- insert policy then decides.
security definer
set search_path = ''
as $$
begin
  select a.organization_id into new.organization_id from public.announcements a where a.id = new.announcement_id;
  new.user_id := coalesce((select auth.uid()), new.user_id);
  new.read_at := pg_catalog.now();
  return new;
end;
$$;

comment on function private.trigger_fill_announcement_read() is 'A read carries its announcement''s organization and the reader.';

create trigger announcement_reads_fill
  before insert on public.announcement_reads
  for each row execute function private.trigger_fill_announcement_read();

-- =============================================================================================
-- RLS enable
-- =============================================================================================

alter table public.announcements enable row level security;
alter table public.announcement_reads enable row level security;

revoke all on public.announcements, public.announcement_reads from anon;
revoke truncate, delete on public.announcements from authenticated;
revoke update, truncate, delete on public.announcement_reads from authenticated;
revoke update on public.announcements from authenticated;
grant select, insert on public.announcements, public.announcement_reads to authenticated;
grant update (body, pinned_until) on public.announcements to authenticated;

-- =============================================================================================
-- private helpers
-- =============================================================================================

create or replace function private.can_use_realtime_topic(p_topic text, p_extension text, p_send boolean)
returns boolean
language plpgsql
stable
-- definer: the dm rule reads the other person's membership and blocks through messaging_refusal;
-- the program rule reads enrollments.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := (select auth.uid());
  v_uuid text := '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
  v_parts text[];
  v_low uuid;
  v_high uuid;
  v_program public.programs;
begin
  if v_user_id is null or p_topic is null or p_extension is null
     or p_extension not in ('broadcast', 'presence') then
    return false;
  end if;
  if p_topic ~ ('^user:' || v_uuid || '$') then
    return not p_send and p_extension = 'broadcast' and pg_catalog.substr(p_topic, 6)::uuid = v_user_id;
  end if;
  if p_topic ~ ('^org:' || v_uuid || '$') then
    return (not p_send or p_extension = 'presence')
       and private.is_member(pg_catalog.substr(p_topic, 5)::uuid);
  end if;
  -- program:<id>: its organization's staff and its actively enrolled athletes receive; nobody
  -- sends from a client (the announcement trigger does, as the definer)
  if p_topic ~ ('^program:' || v_uuid || '$') then
    if p_send or p_extension <> 'broadcast' then
      return false;
    end if;
    select * into v_program from public.programs p where p.id = pg_catalog.substr(p_topic, 9)::uuid;
    return v_program.id is not null
       and (private.is_staff(v_program.organization_id)
            or v_program.id in (select private.enrolled_program_ids()));
  end if;
  if p_topic ~ ('^dm:' || v_uuid || ':' || v_uuid || ':' || v_uuid || '$') then
    v_parts := pg_catalog.string_to_array(p_topic, ':');
    v_low := v_parts[3]::uuid;
    v_high := v_parts[4]::uuid;
    if v_low >= v_high or v_user_id not in (v_low, v_high) then
      return false;
    end if;
    return private.messaging_refusal(v_parts[2]::uuid, v_user_id,
                                     case when v_user_id = v_low then v_high else v_low end) is null;
  end if;
  if p_topic ~ ('^assignment:' || v_uuid || '$') then
    return private.can_use_assignment_topic(pg_catalog.substr(p_topic, 12)::uuid);
  end if;
  return false;
end;
$$;

comment on function private.can_use_realtime_topic(text, text, boolean) is
  'The one rule behind realtime.messages policies: may the current user receive (p_send false) or send (true) this extension on this private topic? (user, org, program, dm, assignment)';

create or replace function private.moderate_delete_announcement(p_id uuid, p_reason text)
returns public.announcements
language plpgsql
-- definer: the announcement table has no client delete or moderation update; this checks the
-- caller (author, or owner/admin with a reason) itself and writes the moderation log.
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_user();
  v_row public.announcements;
  v_reason text := nullif(btrim(coalesce(moderate_delete_announcement.p_reason, '')), '');
  v_is_author boolean;
begin
  select * into v_row from public.announcements a where a.id = moderate_delete_announcement.p_id for update;
  -- Someone who cannot read it is told it does not exist.
  if v_row.id is null or not (private.is_staff(v_row.organization_id) or v_row.author_id = v_user_id) then
    raise exception 'Announcement not found.' using errcode = 'PT404', hint = 'announcement_not_found';
  end if;
  if v_row.deleted_at is not null then
    raise exception 'This announcement was already deleted.' using errcode = 'PT409', hint = 'already_deleted';
  end if;
  v_is_author := v_row.author_id = v_user_id;
  if not v_is_author and not private.is_admin(v_row.organization_id) then
    raise exception 'Only its author, an owner or an admin can delete an announcement.'
      using errcode = 'PT403', hint = 'not_author';
  end if;
  if not v_is_author and v_reason is null then
    raise exception 'Say why, for the moderation log.' using errcode = 'PT422', hint = 'reason_required';
  end if;
  if char_length(v_reason) > 500 then
    raise exception 'Keep the reason under 500 characters.' using errcode = 'PT422', hint = 'reason_too_long';
  end if;

  if not v_is_author then
    perform private.write_audit(v_row.organization_id, 'moderation.announcement_deleted', 'announcement', v_row.id,
      jsonb_build_object('reason', v_reason, 'author_id', v_row.author_id, 'program_id', v_row.program_id,
                         'moderator_id', v_user_id));
  end if;
  update public.announcements a set deleted_at = pg_catalog.now(), body = '', pinned_until = null
   where a.id = v_row.id
  returning * into v_row;
  return v_row;
end;
$$;

comment on function private.moderate_delete_announcement(uuid, text) is
  'Body of delete_announcement: the author deletes their own; an owner or admin deletes anyone''s with a reason, into the moderation log.';

revoke all on function private.moderate_delete_announcement(uuid, text) from public, anon;
grant execute on function private.moderate_delete_announcement(uuid, text) to authenticated, service_role;

create or replace function private.announcement_seen_by(p_id uuid)
returns jsonb
language plpgsql
stable
-- definer: counts the audience and names its readers across memberships the caller's RLS may
-- hide; staff of the announcement's organization only.
security definer
set search_path = ''
as $$
declare
  v_row public.announcements;
begin
  perform private.require_user();
  select * into v_row from public.announcements a where a.id = announcement_seen_by.p_id and a.deleted_at is null;
  if v_row.id is null or not private.is_staff(v_row.organization_id) then
    raise exception 'Announcement not found.' using errcode = 'PT404', hint = 'announcement_not_found';
  end if;
  return (
    with audience as (
      select a.user_id from private.announcement_audience(v_row.organization_id, v_row.program_id) a (user_id)
       where a.user_id <> v_row.author_id
    )
    select jsonb_build_object(
      'seen', (select count(*) from public.announcement_reads r
                where r.announcement_id = v_row.id and r.user_id in (select user_id from audience)),
      'audience', (select count(*) from audience),
      'readers', coalesce((
        select jsonb_agg(jsonb_build_object('user_id', r.user_id, 'display_name', p.display_name, 'read_at', r.read_at)
                         order by r.read_at desc)
          from public.announcement_reads r
          join public.profiles p on p.id = r.user_id
         where r.announcement_id = v_row.id and r.user_id in (select user_id from audience)), '[]'::jsonb)));
end;
$$;

comment on function private.announcement_seen_by(uuid) is
  'Body of announcement_seen_by: how many of the audience (author excluded) read it, and who, newest first.';

revoke all on function private.announcement_seen_by(uuid) from public, anon;
grant execute on function private.announcement_seen_by(uuid) to authenticated, service_role;

-- Revoke by default: nothing in private is callable unless granted by name above.
revoke execute on all functions in schema private from public, anon;

-- =============================================================================================
-- policies
-- =============================================================================================

create policy "Announcements are visible to staff and to their audience"
  on public.announcements for select to authenticated
  using (deleted_at is null
         and (organization_id in (select private.staff_organization_ids())
              or (organization_id, coalesce(program_id, '00000000-0000-0000-0000-000000000000'::uuid)) in (
                   select s.organization_id, coalesce(s.program_id, '00000000-0000-0000-0000-000000000000'::uuid)
                     from private.readable_announcement_scopes() s)));

create policy "Announcements can be posted by staff"
  on public.announcements for insert to authenticated
  with check (organization_id in (select private.staff_organization_ids()) and author_id = (select auth.uid()));

create policy "Announcements can be edited by their author while staff"
  on public.announcements for update to authenticated
  using (author_id = (select auth.uid()) and deleted_at is null
         and organization_id in (select private.staff_organization_ids()))
  with check (author_id = (select auth.uid()) and deleted_at is null
              and organization_id in (select private.staff_organization_ids()));

create policy "Announcement reads are visible to the reader"
  on public.announcement_reads for select to authenticated
  using (user_id = (select auth.uid()));

create policy "Announcement reads are recorded by the reader"
  on public.announcement_reads for insert to authenticated
  with check (user_id = (select auth.uid())
              and announcement_id in (select a.id from public.announcements a where a.id = announcement_id));

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.post_announcement(
  p_organization_id uuid,
  p_body text,
  p_program_id uuid default null,
  p_pinned_until timestamptz default null
)
returns public.announcements
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_row public.announcements;
begin
  perform private.require_staff(post_announcement.p_organization_id);
  insert into public.announcements (organization_id, program_id, body, pinned_until)
  values (post_announcement.p_organization_id, post_announcement.p_program_id, btrim(coalesce(post_announcement.p_body, '')),
          post_announcement.p_pinned_until)
  returning * into v_row;
  return v_row;
end;
$$;

comment on function public.post_announcement(uuid, text, uuid, timestamptz) is
  'Staff post an announcement to the organization (program null) or one program, optionally pinned until a date; it goes out live and as one push per person.';

create or replace function public.edit_announcement(p_id uuid, p_body text, p_pinned_until timestamptz default null)
returns public.announcements
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_row public.announcements;
begin
  perform private.require_user();
  update public.announcements a
     set body = btrim(coalesce(edit_announcement.p_body, '')), pinned_until = edit_announcement.p_pinned_until
   where a.id = edit_announcement.p_id
  returning * into v_row;
  if v_row.id is null then
    if exists (select 1 from public.announcements a where a.id = edit_announcement.p_id) then
      raise exception 'Only its author can edit an announcement.' using errcode = 'PT403', hint = 'not_author';
    end if;
    raise exception 'Announcement not found.' using errcode = 'PT404', hint = 'announcement_not_found';
  end if;
  return v_row;
end;
$$;

comment on function public.edit_announcement(uuid, text, timestamptz) is
  'The author changes an announcement''s text or pin (marked edited); nobody else may.';

create or replace function public.delete_announcement(p_id uuid, p_reason text default null)
returns public.announcements
language sql
security invoker
set search_path = ''
as $$
  select * from private.moderate_delete_announcement(delete_announcement.p_id, delete_announcement.p_reason);
$$;

comment on function public.delete_announcement(uuid, text) is
  'The author deletes their announcement; an owner or admin deletes anyone''s with a reason (moderation log).';

create or replace function public.announcement_feed(
  p_organization_id uuid,
  p_before timestamptz default null,
  p_before_id uuid default null,
  p_limit integer default 20
)
returns table (
  id uuid,
  organization_id uuid,
  program_id uuid,
  program_name text,
  author_id uuid,
  author_name text,
  body text,
  pinned boolean,
  pinned_until timestamptz,
  created_at timestamptz,
  edited_at timestamptz,
  read boolean
)
language sql
stable
security invoker
set search_path = ''
as $$
  -- The first page starts with what is pinned now; then everything else newest first (keyset on
  -- created_at, id), each read under the table's policy. A pinned one sits only at the top.
  with page as (
    (select a.*, true as is_pinned
       from public.announcements a
      where announcement_feed.p_before is null
        and a.organization_id = announcement_feed.p_organization_id
        and a.deleted_at is null and a.pinned_until is not null and a.pinned_until > pg_catalog.now()
      order by a.created_at desc, a.id desc
      limit 20)
    union all
    (select a.*, false
       from public.announcements a
      where a.organization_id = announcement_feed.p_organization_id and a.deleted_at is null
        and not coalesce(a.pinned_until > pg_catalog.now(), false)
        and (announcement_feed.p_before is null
             or (a.created_at, a.id) < (announcement_feed.p_before,
                                        coalesce(announcement_feed.p_before_id, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid)))
      order by a.created_at desc, a.id desc
      limit least(greatest(coalesce(announcement_feed.p_limit, 20), 1), 100))
  )
  select p.id, p.organization_id, p.program_id, pr.name, p.author_id, c.display_name, p.body, p.is_pinned,
         p.pinned_until, p.created_at, p.edited_at,
         exists (select 1 from public.announcement_reads r where r.announcement_id = p.id and r.user_id = (select auth.uid()))
    from page p
    left join public.programs pr on pr.id = p.program_id
    left join lateral (select c.display_name from private.profile_cards(array[p.author_id]) c) c on true
   order by p.is_pinned desc, p.created_at desc, p.id desc;
$$;

comment on function public.announcement_feed(uuid, timestamptz, uuid, integer) is
  'A page of the announcements the caller may read in an organization: pinned ones first (first page), then newest first; pass the last row''s created_at and id for the next page.';

create or replace function public.latest_unread_announcement(p_organization_id uuid)
returns table (id uuid, program_id uuid, author_name text, body text, created_at timestamptz)
language sql
stable
security invoker
set search_path = ''
as $$
  select a.id, a.program_id, c.display_name, a.body, a.created_at
    from public.announcements a
    left join lateral (select c.display_name from private.profile_cards(array[a.author_id]) c) c on true
   where a.organization_id = latest_unread_announcement.p_organization_id and a.deleted_at is null
     and a.author_id <> (select auth.uid())
     and not exists (select 1 from public.announcement_reads r where r.announcement_id = a.id and r.user_id = (select auth.uid()))
   order by a.created_at desc, a.id desc
   limit 1;
$$;

comment on function public.latest_unread_announcement(uuid) is 'The newest announcement the caller may read and has not read yet (for Today).';

create or replace function public.mark_announcement_read(p_id uuid)
returns boolean
language plpgsql
security invoker
set search_path = ''
as $$
begin
  perform private.require_user();
  if not exists (select 1 from public.announcements a where a.id = mark_announcement_read.p_id) then
    raise exception 'Announcement not found.' using errcode = 'PT404', hint = 'announcement_not_found';
  end if;
  insert into public.announcement_reads (announcement_id, user_id) values (mark_announcement_read.p_id, (select auth.uid()))
  on conflict (announcement_id, user_id) do nothing;
  return found;
end;
$$;

comment on function public.mark_announcement_read(uuid) is 'Marks an announcement the caller may read as seen (idempotent); true the first time.';

create or replace function public.announcement_seen_by(p_id uuid)
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select private.announcement_seen_by(announcement_seen_by.p_id);
$$;

comment on function public.announcement_seen_by(uuid) is
  'Staff: "seen by N of M" for an announcement, with the readers'' names (author excluded from both).';

create or replace function public.moderation_log(
  p_organization_id uuid,
  p_before timestamptz default null,
  p_limit integer default 50
)
returns table (
  id uuid,
  action text,
  entity_type text,
  entity_id uuid,
  actor_id uuid,
  actor_name text,
  reason text,
  details jsonb,
  created_at timestamptz
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  if not private.is_admin(moderation_log.p_organization_id) then
    raise exception 'Only owners and admins can read the moderation log.' using errcode = 'PT403', hint = 'not_admin';
  end if;
  return query
  select l.id, l.action, l.entity_type, l.entity_id, l.actor_id, p.display_name, l.details ->> 'reason', l.details,
         l.created_at
    from public.audit_logs l
    left join public.profiles p on p.id = l.actor_id
   where l.organization_id = moderation_log.p_organization_id
     and l.action in ('moderation.message_deleted', 'moderation.exercise_comment_deleted',
                      'moderation.announcement_deleted', 'member.erased', 'account.deleted')
     and (moderation_log.p_before is null or l.created_at < moderation_log.p_before)
   order by l.created_at desc, l.id desc
   limit least(greatest(coalesce(moderation_log.p_limit, 50), 1), 200);
end;
$$;

comment on function public.moderation_log(uuid, timestamptz, integer) is
  'Moderation (messages, exercise comments, announcements) and erasure entries of an organization, newest first; owners and admins only. Errors: not_admin (PT403).';

revoke all on function
  public.post_announcement(uuid, text, uuid, timestamptz),
  public.edit_announcement(uuid, text, timestamptz),
  public.delete_announcement(uuid, text),
  public.announcement_feed(uuid, timestamptz, uuid, integer),
  public.latest_unread_announcement(uuid),
  public.mark_announcement_read(uuid),
  public.announcement_seen_by(uuid)
  from public, anon;
grant execute on function
  public.post_announcement(uuid, text, uuid, timestamptz),
  public.edit_announcement(uuid, text, timestamptz),
  public.delete_announcement(uuid, text),
  public.announcement_feed(uuid, timestamptz, uuid, integer),
  public.latest_unread_announcement(uuid),
  public.mark_announcement_read(uuid),
  public.announcement_seen_by(uuid)
  to authenticated;
