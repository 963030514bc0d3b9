-- Reading one's own profile no longer computes everyone one may see. The app reads the signed-in
-- person's profile on every page (the shell's name, avatar and time zone), and the profiles
-- select policy answered it with `id in (select private.visible_profile_ids())`: the whole set
-- of people the caller shares an organization with, built first and then probed. For a coach of
-- 2,000 athletes that was ~4,000 buffer reads (every membership of the organization) on every
-- page, to return a row the caller may always see.
-- The rule is unchanged (oneself is the first member of that set, unconditionally): the policy
-- now tests that case first. OR evaluates its arms in order and stops at the first true one, and
-- the set is an initplan-like hashed subplan built only when first probed, so a read of one's own
-- row never builds it, while reads of other people's profiles cost what they did.
-- Touches: select policy on public.profiles (recreated).

-- =============================================================================================
-- types
-- =============================================================================================

-- (none)

-- =============================================================================================
-- tables
-- =============================================================================================

-- (none)

-- =============================================================================================
-- policies
-- =============================================================================================

drop policy "Profiles are visible to the people who share an organization" on public.profiles;
create policy "Profiles are visible to the people who share an organization"
  on public.profiles
  for select
  to authenticated
  using (
    id = (select auth.uid())
    or id in (select private.visible_profile_ids())
  );

-- =============================================================================================
-- public functions
-- =============================================================================================

-- (none)
