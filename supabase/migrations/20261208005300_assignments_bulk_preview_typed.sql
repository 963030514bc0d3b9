-- The bulk preview's result was jsonb, so the app declared its shape by hand and cast it. It now
-- returns a typed row, so the generated types describe it: the count, and the first ten matching
-- cells (by date, athlete, slot) as workout_assignments rows. Through the API, .single() gives
-- the same object as before ({count, samples}); each sample now carries the whole row (a
-- superset of the ten columns it had).
-- The return type changes, so the function is dropped and created again with its grant and
-- comment.
-- Touches: public.bulk_preview_assignments (same argument, returns table).

-- =============================================================================================
-- public functions
-- =============================================================================================

drop function public.bulk_preview_assignments(jsonb);

create function public.bulk_preview_assignments(p_filter jsonb)
returns table (count integer, samples public.workout_assignments[])
language plpgsql
stable
set search_path = ''
as $$
declare
  v_ids uuid[];
begin
  perform private.require_user();
  v_ids := array(select private.bulk_filter_ids(bulk_preview_assignments.p_filter));
  return query
    select pg_catalog.cardinality(v_ids),
           array(select a from public.workout_assignments a
                  where a.id = any (v_ids)
                  order by a.date, a.user_id, a.sort_order
                  limit 10);
end;
$$;

comment on function public.bulk_preview_assignments(jsonb) is
  'What a bulk filter would touch: one row with the count and ten sample cells (by date), shown before delete or publish.';

revoke all on function public.bulk_preview_assignments(jsonb) from public, anon;
grant execute on function public.bulk_preview_assignments(jsonb) to authenticated;
