-- Opening a conversation reads the other person's name and avatar from their profile card
-- (private.profile_cards: the profiles policy's rule asked of that one id), as the inbox already
-- does, instead of joining public.profiles under its policy, which first builds the set of
-- everyone the caller may see: ~4,000 buffer reads for a coach of 2,000 athletes, on every open
-- of a conversation, to name one person. What the function answers and refuses is unchanged.
-- Touches: public.get_or_create_conversation (replaced, same signature).

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

-- (none)

-- =============================================================================================
-- public functions
-- =============================================================================================

create or replace function public.get_or_create_conversation(p_organization_id uuid, p_other_user_id uuid)
returns table (conversation_id uuid, organization_id uuid, other_user_id uuid, other_display_name text,
               other_avatar_path text, last_message_id uuid, last_message_sender_id uuid,
               last_message_preview text, last_message_deleted boolean, last_message_at timestamptz,
               last_activity_at timestamptz, unread_count integer, last_read_at timestamptz, muted boolean)
language plpgsql
set search_path = ''
as $$
declare
  v_id uuid := private.get_or_create_conversation(get_or_create_conversation.p_organization_id,
                                                  get_or_create_conversation.p_other_user_id);
begin
  return query
  select s.id, s.organization_id, s.other_user_id, card.display_name, card.avatar_path, s.last_message_id,
         s.last_message_sender_id, s.last_message_preview, s.last_message_deleted, s.last_message_at,
         s.last_activity_at, s.unread_count, s.last_read_at, s.muted
    from public.conversation_summaries s
    left join private.profile_cards(array[get_or_create_conversation.p_other_user_id]) card
      on card.id = s.other_user_id
   where s.id = v_id;
end;
$$;
