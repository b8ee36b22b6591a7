-- Commit order without a lock on the write path.
--
-- Until now each writing transaction took a sequence number at COMMIT under an advisory lock
-- held until the commit was visible, so captured writes committed one at a time (and each
-- called pg_notify, which takes a cluster-wide lock at commit). Now a writer only inserts its
-- change rows; a *sequencer* numbers committed transactions after the fact, in batches, and
-- sends one wake-up per batch.
--
-- How a batch is found. The sequencer keeps the snapshot of its last batch
-- (realtime.sequencer.seen). A transaction that completed (committed or aborted) after that
-- snapshot and before the current one is either in the old snapshot's in-progress list or at
-- or above its xmax; of those, the ones visible to the current snapshot are complete. Their
-- change rows (visible: committed; invisible: aborted, so nothing to number) are looked up by
-- txid. Each batch therefore costs in proportion to the transactions that finished since the
-- last one, and an open transaction costs one probe per batch until it finishes: it holds
-- nobody back.
--
-- Why the order is the commit order where it matters. Within a batch, transactions are
-- numbered by the last change id each wrote (ids come from one sequence, allocated when the
-- row is captured). If transaction B writes a row after A wrote it, B waited for A's row lock,
-- which A releases only once its commit is visible; B's change id for that row is taken after
-- that, so it is above every id A allocated, and so B's last id is above A's last id. Across
-- batches: whenever B is visible, A (which became visible first) is too, so A is numbered in
-- the same batch as B or an earlier one. Batches run one at a time (an advisory lock, taken
-- by the sequencer only) and each commits before the next starts, so seq numbers become
-- visible in order: whoever sees seq N sees every seq below it — readers tailing
-- `seq > cursor` never skip anything. (The change id sequence must keep CACHE 1, its
-- default: a per-session cache would let ids run out of allocation order.)
--
-- Consistent page loads (app::data::snapshot) take the same lock, export their snapshot and
-- number exactly the transactions it sees in a batch run in that very snapshot, so a page's
-- data contains every commit up to its cursor and none after it.

-- What a writer does, made as cheap as it can be: one row, one index. The organization is
-- read from the row itself rather than out of its JSON, and the log keeps a single index,
-- (txid, id), which is all its readers use (the primary key on id is dropped: ids come from
-- an identity sequence, unique by construction, and a second right-growing index is a second
-- page every concurrent writer contends for).
CREATE OR REPLACE FUNCTION realtime.capture_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO realtime.changes (organization_id, table_schema, table_name, op, new_row, old_row)
        VALUES (NEW.organization_id, TG_TABLE_SCHEMA, TG_TABLE_NAME, 'INSERT', to_jsonb(NEW), NULL);
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO realtime.changes (organization_id, table_schema, table_name, op, new_row, old_row)
        VALUES (OLD.organization_id, TG_TABLE_SCHEMA, TG_TABLE_NAME, 'DELETE', NULL, to_jsonb(OLD));
    ELSIF NEW.organization_id IS DISTINCT FROM OLD.organization_id THEN
        -- A row moving between organizations leaves one and enters the other: each sees
        -- only its own side.
        INSERT INTO realtime.changes (organization_id, table_schema, table_name, op, new_row, old_row)
        VALUES (OLD.organization_id, TG_TABLE_SCHEMA, TG_TABLE_NAME, 'DELETE', NULL, to_jsonb(OLD)),
               (NEW.organization_id, TG_TABLE_SCHEMA, TG_TABLE_NAME, 'INSERT', to_jsonb(NEW), NULL);
    ELSE
        INSERT INTO realtime.changes (organization_id, table_schema, table_name, op, new_row, old_row)
        VALUES (NEW.organization_id, TG_TABLE_SCHEMA, TG_TABLE_NAME, 'UPDATE', to_jsonb(NEW), to_jsonb(OLD));
    END IF;
    RETURN NULL;
END
$$;
ALTER TABLE realtime.changes DROP CONSTRAINT changes_pkey;

DROP TRIGGER sequence_commit ON realtime.changes;
DROP FUNCTION realtime.sequence_commit();
DROP SEQUENCE realtime.commit_seq;

CREATE TABLE realtime.sequencer (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    seen     pg_snapshot NOT NULL
);
-- Every transaction that completed before this snapshot was numbered by the old trigger (the
-- DROP above waited for writers in flight).
INSERT INTO realtime.sequencer (seen) VALUES (pg_current_snapshot());

-- Number the transactions that completed since the last batch; returns what it numbered.
-- The caller holds the sequencer lock. Everything runs in one statement, so the snapshot
-- recorded is exactly the one the batch was read in.
CREATE FUNCTION realtime.sequence_batch()
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
        -- Never true by the argument above; a guard so a bug cannot number a commit twice.
        WHERE NOT EXISTS (SELECT 1 FROM realtime.commits c WHERE c.txid = f.txid)
    ),
    -- committed_at is the time of the transaction's last change (just before its COMMIT, so
    -- commit → screen figures include the wait for a batch), kept non-decreasing along seq
    -- for the retention job.
    numbered AS (
        SELECT txs.txid,
               realtime.current_seq() + row_number() OVER w AS seq,
               GREATEST(max(txs.last_at) OVER w,
                        (SELECT max(c.committed_at) FROM realtime.commits c)) AS at
        FROM txs
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
        -- One wake-up per batch for every instance's tailer.
        PERFORM pg_notify('realtime_changes', '');
    END IF;
END
$$;

-- One batch if no other sequencer is running one (every instance calls this in a loop);
-- returns how many commits it numbered, or -1 when another sequencer held the lock.
CREATE FUNCTION realtime.sequence() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    n bigint;
BEGIN
    IF NOT pg_try_advisory_xact_lock(8315169437162210304) THEN
        RETURN -1;
    END IF;
    SELECT count(*) INTO n FROM realtime.sequence_batch();
    RETURN n;
END
$$;

REVOKE ALL ON realtime.sequencer FROM PUBLIC;
REVOKE ALL ON FUNCTION realtime.sequence_batch() FROM PUBLIC;
REVOKE ALL ON FUNCTION realtime.sequence() FROM PUBLIC;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'switchboard_app') THEN
        GRANT EXECUTE ON FUNCTION realtime.sequence(), realtime.sequence_batch() TO switchboard_app;
    END IF;
END
$$;
