-- Realtime change capture. Every INSERT / UPDATE / DELETE on a captured table is recorded in
-- realtime.changes by a trigger, in the writing transaction itself, whoever the writer is (the
-- app, the simulator, psql). LISTEN/NOTIFY only wakes the tailers; the change log is the
-- transport, so nothing is lost while a listener is disconnected and there is no payload limit.
--
-- Ordering: each writing transaction gets a commit sequence number (realtime.commits.seq) from
-- a deferred trigger that runs at COMMIT, under a transaction-scoped advisory lock. The lock is
-- released only after the commit is visible, so seq numbers become visible in order: whoever
-- sees seq N also sees every seq below N. A reader tailing `seq > cursor` therefore never skips
-- a transaction that commits late, and a long-open transaction holds nobody back (its seq is
-- taken when it commits, not when it starts). Two transactions writing the same row are
-- serialized by the row lock, so their seqs follow their commit order.
--
-- To capture another table (it needs an organization_id column):
--     SELECT realtime.capture('public.my_table');

CREATE SCHEMA realtime;

CREATE TABLE realtime.changes (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    txid            xid8 NOT NULL DEFAULT pg_current_xact_id(),
    organization_id uuid NOT NULL,
    table_schema    text NOT NULL,
    table_name      text NOT NULL,
    op              text NOT NULL CHECK (op IN ('INSERT', 'UPDATE', 'DELETE')),
    new_row         jsonb,
    old_row         jsonb,
    changed_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- Readers walk commits in seq order and fetch each one's changes in id order.
CREATE INDEX changes_txid_id_idx ON realtime.changes (txid, id);

CREATE TABLE realtime.commits (
    seq          bigint PRIMARY KEY,
    txid         xid8 NOT NULL UNIQUE,
    committed_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX commits_committed_at_idx ON realtime.commits (committed_at);

CREATE SEQUENCE realtime.commit_seq AS bigint;

-- Everything with seq <= pruned_through has been deleted by the retention job.
CREATE TABLE realtime.horizon (
    only_row       boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    pruned_through bigint NOT NULL DEFAULT 0
);
INSERT INTO realtime.horizon DEFAULT VALUES;

CREATE FUNCTION realtime.sequence_commit() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    me  xid8 := pg_current_xact_id();
    seq bigint;
BEGIN
    -- Once per transaction (this fires once per captured row).
    IF current_setting('realtime.sequenced', true) = me::text THEN
        RETURN NULL;
    END IF;
    -- Held until after this transaction's commit is visible: seqs become visible in order.
    PERFORM pg_advisory_xact_lock(8315169437162210304);
    seq := nextval('realtime.commit_seq');
    INSERT INTO realtime.commits (seq, txid) VALUES (seq, me);
    PERFORM set_config('realtime.sequenced', me::text, true);
    PERFORM pg_notify('realtime_changes', seq::text);
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER sequence_commit
    AFTER INSERT ON realtime.changes
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION realtime.sequence_commit();

CREATE FUNCTION realtime.capture_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    n jsonb;
    o jsonb;
    new_org uuid;
    old_org uuid;
BEGIN
    IF TG_OP <> 'DELETE' THEN
        n := to_jsonb(NEW);
        new_org := (n ->> 'organization_id')::uuid;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        o := to_jsonb(OLD);
        old_org := (o ->> 'organization_id')::uuid;
    END IF;
    IF TG_OP = 'UPDATE' AND new_org IS DISTINCT FROM old_org THEN
        -- A row moving between organizations leaves one and enters the other: each sees
        -- only its own side.
        INSERT INTO realtime.changes (organization_id, table_schema, table_name, op, new_row, old_row)
        VALUES (old_org, TG_TABLE_SCHEMA, TG_TABLE_NAME, 'DELETE', NULL, o),
               (new_org, TG_TABLE_SCHEMA, TG_TABLE_NAME, 'INSERT', n, NULL);
    ELSE
        INSERT INTO realtime.changes (organization_id, table_schema, table_name, op, new_row, old_row)
        VALUES (COALESCE(new_org, old_org), TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP, n, o);
    END IF;
    RETURN NULL;
END
$$;

-- Start capturing a table's changes: SELECT realtime.capture('public.my_table');
CREATE FUNCTION realtime.capture(tbl regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_attribute
        WHERE attrelid = tbl AND attname = 'organization_id' AND NOT attisdropped
    ) THEN
        RAISE EXCEPTION 'table % has no organization_id column: realtime changes are scoped to an organization', tbl;
    END IF;
    EXECUTE format(
        'CREATE OR REPLACE TRIGGER realtime_capture AFTER INSERT OR UPDATE OR DELETE ON %s '
        'FOR EACH ROW EXECUTE FUNCTION realtime.capture_change()', tbl);
END
$$;

-- The cursor a snapshot is consistent with: every commit with seq <= it is visible, none above.
CREATE FUNCTION realtime.current_seq() RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT GREATEST(
        (SELECT max(seq) FROM realtime.commits),
        (SELECT pruned_through FROM realtime.horizon),
        0)
$$;

SELECT realtime.capture('public.campaigns');
SELECT realtime.capture('public.contacts');
SELECT realtime.capture('public.calls');
