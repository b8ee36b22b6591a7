-- The sequencer's cost per batch, which it pays however few commits a batch numbers (a batch
-- every 3 ms under load numbers a handful), measured with scripts/bench-capture-cost.sh (a
-- batch after every commit: 817k instructions a batch before this migration):
-- - the head of the log and the newest commit's time come from one probe of the commits'
--   primary key instead of a call of realtime.current_seq() and a second probe;
-- - the look that decides whether there is anything to number stops at comparing the change
--   id sequence with the one the last batch saw when they differ (always, under load): the
--   rest of the condition is a query, and starting its executor cost more than running it.
-- Same signatures, settings and rights; the ordering argument is unchanged (migrations
-- `sequencer` and `sequencer_cost`).

CREATE OR REPLACE FUNCTION realtime.sequence_batch(id_before bigint DEFAULT NULL)
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
CREATE OR REPLACE FUNCTION realtime.sequence_changes(max_rows integer)
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

