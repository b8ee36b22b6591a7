-- The cost of capturing a write (issue: captured commits at >= 80 % of the uncaptured rate).
-- Measured with pgbench on single-row UPDATEs (scripts/bench-writes.sh), two things a writer
-- paid for on every captured row that it need not:
--
-- 1. `SET search_path` on the trigger function. A function with its own settings runs
--    behind a GUC save / set / restore on every call. The trigger is still SECURITY DEFINER
--    (writers have no rights on the log), so instead every name in it is schema-qualified:
--    the log table by `realtime.`, every function by `pg_catalog.` (an unqualified call could
--    resolve to a better-matching overload an attacker created in a schema on the caller's
--    search_path). Its operators (= on uuid, IS DISTINCT FROM, COALESCE / NULLIF on text)
--    resolve to pg_catalog's exact matches, which the implicit pg_catalog-first search path
--    always finds before any other schema's; pg_temp is never searched for functions or
--    operators. `realtime.capture_change` must stay that way: qualify any name added to it.
-- 2. `jsonb` for the row images. Building jsonb (parsing into a sorted binary tree) and
--    printing it back for every reader costs more than `json`, which is the row's text: the
--    tailer sends it on as it is and parses it once. Nothing queries inside the log with
--    jsonb operators (`->>` works on json).
ALTER TABLE realtime.changes ALTER COLUMN new_row TYPE json, ALTER COLUMN old_row TYPE json;

CREATE OR REPLACE FUNCTION realtime.capture_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    who text := COALESCE(NULLIF(pg_catalog.current_setting('switchboard.actor', true), ''), 'sql');
BEGIN
    -- The common case first.
    IF TG_OP = 'UPDATE' AND NEW.organization_id = OLD.organization_id THEN
        INSERT INTO realtime.changes (organization_id, table_schema, table_name, op, new_row, old_row, actor)
        VALUES (NEW.organization_id, TG_TABLE_SCHEMA, TG_TABLE_NAME, 'UPDATE',
                pg_catalog.to_json(NEW), pg_catalog.to_json(OLD), who);
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO realtime.changes (organization_id, table_schema, table_name, op, new_row, old_row, actor)
        VALUES (NEW.organization_id, TG_TABLE_SCHEMA, TG_TABLE_NAME, 'INSERT', pg_catalog.to_json(NEW), NULL, who);
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO realtime.changes (organization_id, table_schema, table_name, op, new_row, old_row, actor)
        VALUES (OLD.organization_id, TG_TABLE_SCHEMA, TG_TABLE_NAME, 'DELETE', NULL, pg_catalog.to_json(OLD), who);
    ELSE
        -- A row moving between organizations leaves one and enters the other: each sees
        -- only its own side.
        INSERT INTO realtime.changes (organization_id, table_schema, table_name, op, new_row, old_row, actor)
        VALUES (OLD.organization_id, TG_TABLE_SCHEMA, TG_TABLE_NAME, 'DELETE', NULL, pg_catalog.to_json(OLD), who),
               (NEW.organization_id, TG_TABLE_SCHEMA, TG_TABLE_NAME, 'INSERT', pg_catalog.to_json(NEW), NULL, who);
    END IF;
    RETURN NULL;
END
$$;
ALTER FUNCTION realtime.capture_change() RESET ALL;

-- The sequencer's cost per commit it numbers (its Postgres backend was ~25 µs of CPU per
-- commit under pgbench, on the same two cores as the writers):
-- - the head of the log is read once per batch, not once per numbered commit (a STABLE
--   function in a select list runs for every row);
-- - no probe of realtime.commits per transaction to guard against numbering one twice: the
--   unique index on txid already makes that impossible (the batch would fail, loudly);
-- - no index on committed_at: it is non-decreasing along seq (the batch keeps it so), so the
--   newest one is the one with the highest seq and the retention job finds its cutoff in the
--   oldest commits by seq. One index fewer to insert into per commit.
DROP INDEX realtime.commits_committed_at_idx;

CREATE OR REPLACE FUNCTION realtime.sequence_batch()
RETURNS TABLE (seq bigint, txid xid8, committed_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off AS $$
DECLARE
    n bigint;
BEGIN
    RETURN QUERY
    WITH st AS (
        SELECT s.seen AS prev, pg_current_snapshot() AS cur FROM realtime.sequencer s
    ),
    finished AS (
        SELECT t.txid
        FROM st CROSS JOIN LATERAL (
            SELECT pg_snapshot_xip(st.prev) AS txid
            UNION ALL
            SELECT (g::text)::xid8 FROM generate_series(
                (pg_snapshot_xmax(st.prev)::text)::bigint,
                (pg_snapshot_xmax(st.cur)::text)::bigint - 1) g
        ) t
        WHERE pg_visible_in_snapshot(t.txid, st.cur)
    ),
    -- One index probe per finished transaction (most wrote nothing captured; those rows
    -- come back empty and drop out of the lateral join).
    txs AS (
        SELECT f.txid, m.last_id, m.last_at
        FROM finished f CROSS JOIN LATERAL (
            -- The transaction's last change, straight off the (txid, id) index.
            SELECT ch.id AS last_id, ch.changed_at AS last_at
            FROM realtime.changes ch WHERE ch.txid = f.txid
            ORDER BY ch.txid DESC, ch.id DESC LIMIT 1) m
    ),
    -- committed_at is the time of the transaction's last change (just before its COMMIT, so
    -- commit → screen figures include the wait for a batch), kept non-decreasing along seq
    -- for the retention job.
    head AS (
        SELECT realtime.current_seq() AS seq,
               (SELECT c.committed_at FROM realtime.commits c ORDER BY c.seq DESC LIMIT 1) AS at
    ),
    numbered AS (
        SELECT txs.txid,
               head.seq + row_number() OVER w AS seq,
               GREATEST(max(txs.last_at) OVER w, head.at) AS at
        FROM txs CROSS JOIN head
        WINDOW w AS (ORDER BY txs.last_id ROWS UNBOUNDED PRECEDING)
    ),
    ins AS (
        INSERT INTO realtime.commits (seq, txid, committed_at)
        SELECT nb.seq, nb.txid, nb.at FROM numbered nb
        RETURNING commits.seq, commits.txid, commits.committed_at
    ),
    -- Move the mark when something was numbered, or when many unrelated transactions went
    -- by (so an idle log is not re-probed over a growing range). Leaving it is always safe:
    -- the next batch looks at a superset.
    mark AS (
        UPDATE realtime.sequencer s SET seen = st.cur FROM st
        WHERE EXISTS (SELECT 1 FROM ins)
           OR (pg_snapshot_xmax(st.cur)::text)::bigint
              - (pg_snapshot_xmax(st.prev)::text)::bigint > 256
        RETURNING 1
    )
    SELECT ins.seq, ins.txid, ins.committed_at FROM ins ORDER BY ins.seq;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n > 0 THEN
        -- One wake-up per batch for every instance's tailer, with the head it reached: a
        -- tailer that already has it (handed over by its own sequencer) reads nothing.
        PERFORM pg_notify('realtime_changes', realtime.current_seq()::text);
    END IF;
END
$$;

-- The head of the log, planned once per session: as a SQL function with sub-SELECTs it could
-- not be inlined, so the function manager parsed and planned its query on every call — in
-- every tailer read and every batch (6 % of the machine under pgbench). PL/pgSQL keeps the
-- plan. It is not SECURITY DEFINER, so it needs no pinned search_path (its names are
-- qualified anyway).
CREATE OR REPLACE FUNCTION realtime.current_seq() RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN GREATEST(
        (SELECT pg_catalog.max(c.seq) FROM realtime.commits c),
        (SELECT h.pruned_through FROM realtime.horizon h),
        0);
END
$$;
ALTER FUNCTION realtime.current_seq() RESET ALL;

-- The sequencer loop's call, instead of realtime.sequence() (which returned only a count
-- and is dropped): a batch, and the changes it numbered in commit order — at most
-- max_rows + 1 of them, so a caller seeing more than max_rows knows it has not got them all
-- — so the instance that ran it publishes them without reading them back. No rows when
-- another sequencer holds the lock or nothing was numbered.
CREATE FUNCTION realtime.sequence_changes(max_rows integer)
RETURNS TABLE (seq bigint, id bigint, organization_id uuid, table_schema text, table_name text,
               op text, new_row json, old_row json, committed_at timestamptz, actor text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(8315169437162210304) THEN
        RETURN;
    END IF;
    RETURN QUERY
    WITH b AS MATERIALIZED (SELECT * FROM realtime.sequence_batch())
    SELECT b.seq, ch.id, ch.organization_id, ch.table_schema, ch.table_name, ch.op,
           ch.new_row, ch.old_row, b.committed_at, ch.actor
    FROM b CROSS JOIN LATERAL (
        SELECT * FROM realtime.changes c WHERE c.txid = b.txid
        ORDER BY c.txid, c.id LIMIT max_rows + 1) ch
    ORDER BY b.seq, ch.id
    LIMIT max_rows + 1;
END
$$;
REVOKE ALL ON FUNCTION realtime.sequence_changes(integer) FROM PUBLIC;
DROP FUNCTION realtime.sequence();
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'switchboard_app') THEN
        GRANT EXECUTE ON FUNCTION realtime.sequence_changes(integer) TO switchboard_app;
    END IF;
END
$$;
