-- Collaborative editing: clients and their trips, campaign settings (the bid). Every edit
-- records who made it: the app sets `switchboard.actor` (a display name), and for signed-in
-- users `switchboard.actor_id` and `switchboard.mutation_id`, transaction-locally; a write
-- made without them (psql, a migration) is recorded as `sql`.

-- Who made each change, in the change log (and so on the stream).
ALTER TABLE realtime.changes ADD COLUMN actor text;

CREATE OR REPLACE FUNCTION realtime.capture_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    who text := COALESCE(NULLIF(current_setting('switchboard.actor', true), ''), 'sql');
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO realtime.changes (organization_id, table_schema, table_name, op, new_row, old_row, actor)
        VALUES (NEW.organization_id, TG_TABLE_SCHEMA, TG_TABLE_NAME, 'INSERT', to_jsonb(NEW), NULL, who);
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO realtime.changes (organization_id, table_schema, table_name, op, new_row, old_row, actor)
        VALUES (OLD.organization_id, TG_TABLE_SCHEMA, TG_TABLE_NAME, 'DELETE', NULL, to_jsonb(OLD), who);
    ELSIF NEW.organization_id IS DISTINCT FROM OLD.organization_id THEN
        INSERT INTO realtime.changes (organization_id, table_schema, table_name, op, new_row, old_row, actor)
        VALUES (OLD.organization_id, TG_TABLE_SCHEMA, TG_TABLE_NAME, 'DELETE', NULL, to_jsonb(OLD), who),
               (NEW.organization_id, TG_TABLE_SCHEMA, TG_TABLE_NAME, 'INSERT', to_jsonb(NEW), NULL, who);
    ELSE
        INSERT INTO realtime.changes (organization_id, table_schema, table_name, op, new_row, old_row, actor)
        VALUES (NEW.organization_id, TG_TABLE_SCHEMA, TG_TABLE_NAME, 'UPDATE', to_jsonb(NEW), to_jsonb(OLD), who);
    END IF;
    RETURN NULL;
END
$$;

-- Editable records carry a version every write bumps, who wrote last and the mutation (the
-- request's Idempotency-Key) that did: browsers recognise their own edit coming back.
CREATE FUNCTION stamp_edit() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.updated_by := COALESCE(NULLIF(current_setting('switchboard.actor', true), ''), 'sql');
    NEW.mutation_id := NULLIF(current_setting('switchboard.mutation_id', true), '')::uuid;
    IF TG_OP = 'UPDATE' THEN
        NEW.version := OLD.version + 1;
    ELSE
        NEW.version := 1;
    END IF;
    RETURN NEW;
END
$$;

CREATE TABLE clients (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    email           text CHECK (length(email) <= 254),
    phone           text CHECK (length(phone) <= 40),
    company         text CHECK (length(company) <= 200),
    notes           text NOT NULL DEFAULT '' CHECK (length(notes) <= 5000),
    tags            text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 20),
    version         bigint NOT NULL DEFAULT 1,
    updated_by      text NOT NULL DEFAULT 'sql',
    mutation_id     uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, id)
);
CREATE INDEX clients_organization_name_idx ON clients (organization_id, lower(name), id);

CREATE TABLE trips (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL,
    client_id       uuid NOT NULL,
    title           text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    destination     text NOT NULL DEFAULT '' CHECK (length(destination) <= 200),
    start_date      date,
    end_date        date,
    status          text NOT NULL DEFAULT 'planning'
                    CHECK (status IN ('planning', 'booked', 'completed', 'cancelled')),
    budget_cents    bigint NOT NULL DEFAULT 0 CHECK (budget_cents BETWEEN 0 AND 100000000000),
    notes           text NOT NULL DEFAULT '' CHECK (length(notes) <= 5000),
    version         bigint NOT NULL DEFAULT 1,
    updated_by      text NOT NULL DEFAULT 'sql',
    mutation_id     uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, client_id) REFERENCES clients (organization_id, id) ON DELETE CASCADE,
    CONSTRAINT trips_dates_in_order CHECK (end_date >= start_date)
);
CREATE INDEX trips_client_idx ON trips (client_id, start_date, id);
CREATE INDEX trips_organization_idx ON trips (organization_id, start_date, id);

-- A campaign contact may be one of the organization's clients.
ALTER TABLE contacts ADD COLUMN client_id uuid;
ALTER TABLE contacts ADD FOREIGN KEY (organization_id, client_id)
    REFERENCES clients (organization_id, id) ON DELETE SET NULL (client_id);
CREATE INDEX contacts_client_idx ON contacts (client_id) WHERE client_id IS NOT NULL;

ALTER TABLE campaigns ADD COLUMN version bigint NOT NULL DEFAULT 1,
                      ADD COLUMN updated_by text NOT NULL DEFAULT 'sql',
                      ADD COLUMN mutation_id uuid;

CREATE TRIGGER clients_updated_at BEFORE UPDATE ON clients
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trips_updated_at BEFORE UPDATE ON trips
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER clients_stamp BEFORE INSERT OR UPDATE ON clients
    FOR EACH ROW EXECUTE FUNCTION stamp_edit();
CREATE TRIGGER trips_stamp BEFORE INSERT OR UPDATE ON trips
    FOR EACH ROW EXECUTE FUNCTION stamp_edit();
CREATE TRIGGER campaigns_stamp BEFORE INSERT OR UPDATE ON campaigns
    FOR EACH ROW EXECUTE FUNCTION stamp_edit();

-- Who changed what, when, per record, kept for good (the change log is pruned after its
-- retention): one row per write with the fields it changed, `{"field": {"from", "to"}}`.
CREATE TABLE record_history (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- No foreign key: deleting an organization deletes its clients, whose history rows are
    -- written as it happens.
    organization_id uuid NOT NULL,
    table_name      text NOT NULL,
    record_id       uuid NOT NULL,
    op              text NOT NULL CHECK (op IN ('INSERT', 'UPDATE', 'DELETE')),
    actor           text NOT NULL,
    actor_id        uuid,
    mutation_id     uuid,
    version         bigint,
    changes         jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX record_history_record_idx ON record_history (record_id, id DESC);

-- Records the fields a write changed; with arguments, only those fields (a campaign's
-- editable settings: the simulator's progress updates are not history).
CREATE FUNCTION record_history() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    diff jsonb;
    row_now jsonb;
BEGIN
    IF TG_OP = 'DELETE' THEN
        diff := '{}';
        row_now := to_jsonb(OLD);
    ELSE
        row_now := to_jsonb(NEW);
        SELECT COALESCE(jsonb_object_agg(n.key, jsonb_build_object('from', o.value, 'to', n.value)), '{}')
        INTO diff
        FROM jsonb_each(row_now) n
        LEFT JOIN jsonb_each(CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) ELSE '{}'::jsonb END) o
            ON o.key = n.key
        WHERE n.value IS DISTINCT FROM o.value
          AND n.key NOT IN ('id', 'organization_id', 'version', 'updated_by', 'mutation_id',
                            'created_at', 'updated_at')
          AND (TG_NARGS = 0 OR n.key = ANY (TG_ARGV));
        IF TG_OP = 'UPDATE' AND diff = '{}' THEN
            RETURN NULL;
        END IF;
    END IF;
    INSERT INTO public.record_history (organization_id, table_name, record_id, op, actor, actor_id,
                                       mutation_id, version, changes)
    VALUES ((row_now->>'organization_id')::uuid, TG_TABLE_NAME, (row_now->>'id')::uuid, TG_OP,
            COALESCE(NULLIF(current_setting('switchboard.actor', true), ''), 'sql'),
            NULLIF(current_setting('switchboard.actor_id', true), '')::uuid,
            NULLIF(current_setting('switchboard.mutation_id', true), '')::uuid,
            (row_now->>'version')::bigint, diff);
    RETURN NULL;
END
$$;

CREATE TRIGGER clients_history AFTER INSERT OR UPDATE OR DELETE ON clients
    FOR EACH ROW EXECUTE FUNCTION record_history();
CREATE TRIGGER trips_history AFTER INSERT OR UPDATE OR DELETE ON trips
    FOR EACH ROW EXECUTE FUNCTION record_history();
CREATE TRIGGER campaigns_history AFTER UPDATE ON campaigns
    FOR EACH ROW EXECUTE FUNCTION record_history('name', 'bid_cents');

-- A PATCH's Idempotency-Key: the first answer, replayed for a retry with the same body.
-- Keys are the user's own (another user's key is another key); kept for a day.
CREATE TABLE idempotency_keys (
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key        text NOT NULL CHECK (length(key) BETWEEN 1 AND 100),
    request    jsonb NOT NULL,
    status     smallint,
    response   jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

SELECT realtime.capture('public.clients');
SELECT realtime.capture('public.trips');
-- History entries stream as they are written; they are never updated.
CREATE TRIGGER realtime_capture AFTER INSERT ON record_history
    FOR EACH ROW EXECUTE FUNCTION realtime.capture_change();
