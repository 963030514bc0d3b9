-- A conversation's page carries its messages' files. conversation_messages said only how many
-- files each message has, so opening a thread whose newest messages carry pictures was two round
-- trips in sequence (the page, then message_attachments for those ids), and so was every older
-- page the browser read. The page now answers each message's files with it, read as the caller
-- under message_attachments' own policy, in the order and shape of private.attachments_json
-- (what attachment_added events carry): null for a message with no files or deleted.
-- The return type changes, so the function is dropped and created again.
-- Touches: public.conversation_messages (adds the attachments column).

drop function public.conversation_messages(uuid, uuid, timestamptz, timestamptz, integer, uuid, uuid);

create function public.conversation_messages(
  p_organization_id uuid,
  p_other_user_id uuid,
  p_before timestamptz default null,
  p_after timestamptz default null,
  p_limit integer default 50,
  p_before_id uuid default null,
  p_after_id uuid default null
)
returns table (
  id uuid,
  organization_id uuid,
  sender_id uuid,
  recipient_id uuid,
  sender_role public.sender_role,
  workout_assignment_id uuid,
  content text,
  attachment_count integer,
  client_id uuid,
  created_at timestamptz,
  read_at timestamptz,
  edited_at timestamptz,
  deleted_at timestamptz,
  updated_at timestamptz,
  is_read boolean,
  attachments jsonb
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_user_id uuid := (select auth.uid());
  v_limit integer := least(greatest(coalesce(conversation_messages.p_limit, 50), 1), 200);
  v_watermark timestamptz;
begin
  if conversation_messages.p_before is not null and conversation_messages.p_after is not null then
    raise exception 'Page either before or after a point, not both.' using errcode = 'PT422', hint = 'invalid_cursor';
  end if;
  if v_user_id is null or conversation_messages.p_other_user_id in (select private.blocked_user_ids()) then
    return;
  end if;
  select s.last_read_at into v_watermark from public.conversation_summaries s
   where s.owner_id = v_user_id and s.organization_id = conversation_messages.p_organization_id
     and s.other_user_id = conversation_messages.p_other_user_id;

  return query
  with page as (
    (select m.* from public.messages m
      where m.organization_id = conversation_messages.p_organization_id
        and m.participant_low = least(v_user_id, conversation_messages.p_other_user_id)
        and m.participant_high = greatest(v_user_id, conversation_messages.p_other_user_id)
        and m.workout_assignment_id is null
        and conversation_messages.p_after is not null
        and (m.created_at, m.id) > (conversation_messages.p_after,
              coalesce(conversation_messages.p_after_id, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid))
      order by m.created_at, m.id
      limit v_limit)
    union all
    (select m.* from public.messages m
      where m.organization_id = conversation_messages.p_organization_id
        and m.participant_low = least(v_user_id, conversation_messages.p_other_user_id)
        and m.participant_high = greatest(v_user_id, conversation_messages.p_other_user_id)
        and m.workout_assignment_id is null
        and conversation_messages.p_after is null
        and (conversation_messages.p_before is null
             or (m.created_at, m.id) < (conversation_messages.p_before,
                   coalesce(conversation_messages.p_before_id, '00000000-0000-0000-0000-000000000000'::uuid)))
      order by m.created_at desc, m.id desc
      limit v_limit)
  )
  select page.id, page.organization_id, page.sender_id, page.recipient_id, page.sender_role,
         page.workout_assignment_id, page.content, page.attachment_count, page.client_id, page.created_at,
         page.read_at, page.edited_at, page.deleted_at, page.updated_at,
         case when page.sender_id = v_user_id then page.read_at is not null
              else page.created_at <= coalesce(v_watermark, '-infinity'::timestamptz) end,
         -- Only messages that say they carry files look for them (most carry none).
         case when page.attachment_count > 0 and page.deleted_at is null then
           (select jsonb_agg(jsonb_build_object(
                     'id', a.id, 'type', a.type, 'r2_key', a.r2_key, 'size', a.size,
                     'mime_type', a.mime_type, 'thumbnail_r2_key', a.thumbnail_r2_key,
                     'width', a.width, 'height', a.height)
                   order by a.created_at, a.id)
              from public.message_attachments a where a.message_id = page.id)
         end
    from page
   order by page.created_at, page.id;
end;
$$;
comment on function public.conversation_messages(uuid, uuid, timestamptz, timestamptz, integer, uuid, uuid) is
  'A conversation''s history in chronological order: the newest page by default, older with p_before(+p_before_id), newer with p_after(+p_after_id). is_read: my sent message has a receipt / I have read the received one. attachments: the message''s files (null when none or deleted). Errors: invalid_cursor (PT422).';
revoke all on function public.conversation_messages(uuid, uuid, timestamptz, timestamptz, integer, uuid, uuid) from public, anon, authenticated;
grant execute on function public.conversation_messages(uuid, uuid, timestamptz, timestamptz, integer, uuid, uuid) to authenticated;
