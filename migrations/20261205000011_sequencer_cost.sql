-- What the sequencer and a captured write cost, measured in instructions (valgrind's callgrind
-- on `postgres --single`, which counts the same for the same input whatever else the machine
-- does): per captured single-row UPDATE the capture trigger added ~182k instructions to the
-- ~532k of the uncaptured transaction, and the sequencer ~180k more per commit numbered
-- (batches of 15). This migration takes the trigger to ~147k and the sequencer to ~95k per
-- commit, and an idle sequencer from a full batch every 3 ms to one cheap look.
--
-- 1. The CHECK constraint on realtime.changes.op. Postgres rebuilds a table's CHECK
--    expressions (parsing them from the catalog's text) every time an executor starts an
--    INSERT into it — and the trigger's INSERT is a new execution for every captured row: ~35k
--    instructions a row, a fifth of the capture's cost. The trigger is the only writer of the
--    log (writers have no rights on it; it is SECURITY DEFINER) and writes only the three
--    values, so the constraint guarded nothing.
ALTER TABLE realtime.changes DROP CONSTRAINT IF EXISTS changes_op_check;

-- 2. An idle log costs a look, not a batch. A batch keeps, beside its snapshot (seen), the
--    change id sequence's value read before that snapshot was taken (seen_id) and its own
--    transaction id, assigned after both (seen_xid). A transaction T that wrote a change with
--    an id <= seen_id had its xid before that id (the capture trigger runs after T's row
--    write, which assigns the xid), so before seen_xid, and before the snapshot: T was visible
--    to that batch (and numbered by it or an earlier one), or it was in progress — in the
--    snapshot's xip list, or at or above its xmax (a running xid above the last completed one
--    is in neither) and below seen_xid. So when the sequence has not moved since and no xid in
--    seen's xip list or in [xmax(seen), seen_xid) has finished, there is nothing to number.
--    Page loads number in their own snapshot and leave seen_id alone (an older seen_id only
--    makes the look find more); seen_xid only grows, so it stays above every such T.
ALTER TABLE realtime.sequencer ADD COLUMN seen_id bigint, ADD COLUMN seen_xid xid8;

-- 3. The batch planned once. Its statements take PL/pgSQL variables, so with the default
--    plan_cache_mode each call was planned anew (41 % of a batch went to the planner); and the
--    head of the log was computed once per numbered commit (a CTE referenced once is inlined,
--    and realtime.current_seq() ran in the window's projection). The head, the previous
--    snapshot and the newest commit's time are now read into variables first — the head and
--    its time in one probe of the commits' primary key, not a call of realtime.current_seq()
--    and a second probe. And the look that decides whether there is anything to number stops
--    at comparing the change id sequence with the one the last batch saw when they differ
--    (always, under load): the rest of its condition is a query, and starting that query's
--    executor cost more than running it. A batch is a fixed cost however few commits it
--    numbers (a batch every 3 ms under load numbers a handful): these two took it from ~817k
--    instructions to ~698k (scripts/bench-capture-cost.sh, a batch after every commit).
--
-- Snapshots: `cur` is taken before the statement that reads the log, so everything it sees
-- as finished is visible to that statement (which has a later snapshot, or, in a page load,
-- the same one); the mark is moved to `cur`.
DROP FUNCTION realtime.sequence_changes(integer);
DROP FUNCTION realtime.sequence_batch();

CREATE FUNCTION realtime.sequence_batch(id_before bigint DEFAULT NULL)
RETURNS TABLE (seq bigint, txid xid8, committed_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET jit = off SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    cur pg_snapshot;
    prev pg_snapshot;
    head bigint;
    head_at timestamptz;
    n bigint;
BEGIN
    cur := pg_current_snapshot();
    SELECT s.seen INTO prev FROM realtime.sequencer s;
    -- The head of the log and its time in one probe of the commits' primary key (what
    -- realtime.current_seq() computes, without a function call and a second probe).
    SELECT c.seq, c.committed_at INTO head, head_at FROM realtime.commits c ORDER BY c.seq DESC LIMIT 1;
    head := GREATEST(head, (SELECT h.pruned_through FROM realtime.horizon h), 0);
    RETURN QUERY
    WITH finished AS (
        SELECT t.txid FROM (
            SELECT pg_snapshot_xip(prev) AS txid
            UNION ALL
            SELECT (g::text)::xid8 FROM generate_series(
                (pg_snapshot_xmax(prev)::text)::bigint,
                (pg_snapshot_xmax(cur)::text)::bigint - 1) g
        ) t
        WHERE pg_visible_in_snapshot(t.txid, cur)
    ),
    -- One index probe per finished transaction (most wrote nothing captured; those rows
    -- come back empty and drop out of the lateral join).
    txs AS (
        SELECT f.txid, m.last_id, m.last_at
        FROM finished f CROSS JOIN LATERAL (
            SELECT ch.id AS last_id, ch.changed_at AS last_at
            FROM realtime.changes ch WHERE ch.txid = f.txid
            ORDER BY ch.txid DESC, ch.id DESC LIMIT 1) m
    ),
    -- Numbered by the last change id each wrote (the ordering argument: migration
    -- `sequencer`); committed_at kept non-decreasing along seq for the retention job.
    ins AS (
        INSERT INTO realtime.commits (seq, txid, committed_at)
        SELECT head + row_number() OVER w, txs.txid, GREATEST(max(txs.last_at) OVER w, head_at)
        FROM txs
        WINDOW w AS (ORDER BY txs.last_id ROWS UNBOUNDED PRECEDING)
        RETURNING commits.seq, commits.txid, commits.committed_at
    )
    SELECT ins.seq, ins.txid, ins.committed_at FROM ins ORDER BY ins.seq;
    GET DIAGNOSTICS n = ROW_COUNT;
    -- Move the mark when something was numbered, when the sequencer's look found news (so
    -- the next look compares with now), or when many unrelated transactions went by (so the
    -- range a batch probes stays short). Leaving it is always safe: the next batch looks at a
    -- superset.
    IF n > 0 OR id_before IS NOT NULL
       OR (pg_snapshot_xmax(cur)::text)::bigint - (pg_snapshot_xmax(prev)::text)::bigint > 256 THEN
        UPDATE realtime.sequencer s
        SET seen = cur, seen_id = COALESCE(id_before, s.seen_id),
            seen_xid = GREATEST(s.seen_xid, pg_current_xact_id());
    END IF;
    IF n > 0 THEN
        -- One wake-up per batch for every instance's tailer, with the head it reached: a
        -- tailer that already has it (handed over by its own sequencer) reads nothing.
        PERFORM pg_notify('realtime_changes', (head + n)::text);
    END IF;
END
$$;

-- The sequencer loop's call: a batch when there may be something to number, and the changes
-- it numbered in commit order — at most max_rows + 1 of them, so a caller seeing more than
-- max_rows knows it has not got them all. No rows when another sequencer holds the lock or
-- nothing was numbered.
CREATE FUNCTION realtime.sequence_changes(max_rows integer)
RETURNS TABLE (seq bigint, id bigint, organization_id uuid, table_schema text, table_name text,
               op text, new_row json, old_row json, committed_at timestamptz, actor text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET jit = off SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    id_now bigint;
    prev pg_snapshot;
    prev_id bigint;
    prev_xid xid8;
    prev_xmax bigint;
BEGIN
    IF NOT pg_try_advisory_xact_lock(8315169437162210304) THEN
        RETURN;
    END IF;
    -- Read before any snapshot this function takes (each later statement takes a new one),
    -- and only when this transaction has no xid yet: the batch's own xid must come after it.
    IF pg_current_xact_id_if_assigned() IS NULL THEN
        SELECT s.last_value INTO id_now FROM realtime.changes_id_seq s;
    END IF;
    SELECT s.seen, s.seen_id, s.seen_xid INTO prev, prev_id, prev_xid FROM realtime.sequencer s;
    prev_xmax := (pg_snapshot_xmax(prev)::text)::bigint;
    -- Nested, so that a look that finds the sequence moved (every look under load) stops at a
    -- comparison of two variables, which PL/pgSQL evaluates without starting an executor.
    IF id_now = prev_id THEN
       IF (pg_snapshot_xmax(pg_current_snapshot())::text)::bigint - prev_xmax <= 256
       AND (prev_xid::text)::bigint - prev_xmax <= 256
       AND NOT EXISTS (
           SELECT 1 FROM (
               SELECT pg_snapshot_xip(prev) AS x
               UNION ALL
               SELECT (g::text)::xid8 FROM generate_series(prev_xmax, (prev_xid::text)::bigint - 1) g
           ) t
           WHERE pg_visible_in_snapshot(t.x, pg_current_snapshot())) THEN
        RETURN;
       END IF;
    END IF;
    RETURN QUERY
    WITH b AS MATERIALIZED (SELECT * FROM realtime.sequence_batch(id_now))
    SELECT b.seq, ch.id, ch.organization_id, ch.table_schema, ch.table_name, ch.op,
           ch.new_row, ch.old_row, b.committed_at, ch.actor
    FROM b CROSS JOIN LATERAL (
        SELECT * FROM realtime.changes c WHERE c.txid = b.txid
        ORDER BY c.txid, c.id LIMIT max_rows + 1) ch
    ORDER BY b.seq, ch.id
    LIMIT max_rows + 1;
END
$$;

REVOKE ALL ON FUNCTION realtime.sequence_batch(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION realtime.sequence_changes(integer) FROM PUBLIC;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'switchboard_app') THEN
        GRANT EXECUTE ON FUNCTION realtime.sequence_batch(bigint),
                                  realtime.sequence_changes(integer) TO switchboard_app;
    END IF;
END
$$;
