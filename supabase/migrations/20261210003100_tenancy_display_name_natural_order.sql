-- People's names sort as people expect. The database's collation is C.UTF-8 (byte order), so
-- every list ordered by name (the coach overview sorted by name, the calendar's roster, the
-- members page) put "ava" after "Zoe" and "Émile" after everyone: lower case and accented names
-- last. display_name now carries the ICU root collation ("und-x-icu", the Unicode default order:
-- case and accents matter only to break ties), so every ORDER BY on it, in functions and through
-- the API alike, is natural without each query having to say so. The collation is deterministic,
-- so equality and uniqueness are unchanged; no index or view depends on the column.
-- Touches: public.profiles.display_name (collation).

-- =============================================================================================
-- tables
-- =============================================================================================

alter table public.profiles alter column display_name type text collate "und-x-icu";
