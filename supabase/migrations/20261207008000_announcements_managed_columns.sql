-- Announcements: created_at and updated_at are the database's, as on every other table.
--
-- The managed-columns migration (20261207001300) stamped every table that existed then; the
-- announcements table came later from another branch of work and missed it, which the catalog
-- lint (managed_columns_not_stamped) caught. Without it a staff member's REST insert could
-- backdate an announcement and reorder the members' feed.
-- Tables: public.announcements.

create trigger announcements_stamp_managed_columns
  before insert or update on public.announcements
  for each row execute function private.trigger_stamp_managed_columns('created_at', 'updated_at');
