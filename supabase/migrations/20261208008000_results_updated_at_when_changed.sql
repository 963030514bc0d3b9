-- workout_results' updated_at trigger: keep both conditions under which it has nothing to do.
-- 20261208001000 taught every updated_at trigger to skip rows whose updated_at is already now();
-- 20261208005100 then recreated this table's trigger to skip the program sync (which must not
-- count as an edit), and in doing so dropped the first condition. Both apply: a sync is never an
-- edit, and a writer that already set updated_at = now() needs no second assignment.

drop trigger workout_results_set_updated_at on public.workout_results;
create trigger workout_results_set_updated_at
  before update on public.workout_results
  for each row when (
    new.updated_at is distinct from now()
    and coalesce(current_setting('coachline.result_program_sync', true), '') <> 'on'
  )
  execute function private.trigger_set_updated_at();
