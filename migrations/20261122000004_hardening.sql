-- Hardening: revocable sessions that end open streams, a login throttle that holds across
-- instances, and a database the server can use without owning anything.

-- Sessions get a public id: streams are tied to it, and ending a session (logout, revoked
-- token, deleted user, pruned after expiry) tells every instance at once, so their streams
-- end too. The id is not a credential (the token is); it only names the session.
ALTER TABLE sessions ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE sessions ADD CONSTRAINT sessions_id_key UNIQUE (id);

CREATE FUNCTION session_ended() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('switchboard_sessions', OLD.id::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER sessions_ended AFTER DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION session_ended();

-- Token buckets for sign-in attempts (per account, per client address). UNLOGGED: losing
-- them in a crash only forgets recent attempts. Shared by every instance.
CREATE UNLOGGED TABLE auth_throttle (
    key        text PRIMARY KEY CHECK (length(key) <= 300),
    tokens     double precision NOT NULL,
    updated_at timestamptz NOT NULL
);

-- Take one token from `p_key`'s bucket (capacity `p_burst`, refilled at `p_per_second`).
-- Returns 0 when a token was taken, else the seconds until one is available.
CREATE FUNCTION auth_throttle_take(p_key text, p_burst double precision, p_per_second double precision)
RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
    level double precision;
BEGIN
    INSERT INTO auth_throttle (key, tokens, updated_at) VALUES (p_key, p_burst, clock_timestamp())
    ON CONFLICT (key) DO NOTHING;
    SELECT LEAST(p_burst, tokens + extract(epoch FROM clock_timestamp() - updated_at) * p_per_second)
      INTO level
      FROM auth_throttle WHERE key = p_key FOR UPDATE;
    IF level >= 1 THEN
        UPDATE auth_throttle SET tokens = level - 1, updated_at = clock_timestamp() WHERE key = p_key;
        RETURN 0;
    END IF;
    UPDATE auth_throttle SET tokens = level, updated_at = clock_timestamp() WHERE key = p_key;
    RETURN (1 - level) / p_per_second;
END
$$;

-- Give back the token a successful sign-in took: only failures count against an account.
CREATE FUNCTION auth_throttle_refund(p_key text, p_burst double precision) RETURNS void
LANGUAGE sql AS $$
    UPDATE auth_throttle SET tokens = LEAST(p_burst, tokens + 1) WHERE key = p_key;
$$;

-- Capture runs with its owner's rights, whoever writes: the server's role needs no right on
-- realtime.changes or realtime.commits, and a pinned search_path means no object of a
-- writer's schema can stand in for the ones these functions use.
ALTER FUNCTION realtime.capture_change() SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION realtime.sequence_commit() SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION realtime.current_seq() SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION realtime.capture(regclass) SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON SCHEMA realtime FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA realtime FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA realtime FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA realtime FROM PUBLIC;

-- The server can run as a role that owns no tables: grant `switchboard_app` to it
-- (`GRANT switchboard_app TO my_server_role`) and run migrations as the owner
-- (DATABASE_MIGRATION_URL). Creating the group role needs CREATEROLE; without it the grants
-- are skipped with a notice and the owner's role must be used.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'switchboard_app') THEN
        CREATE ROLE switchboard_app NOLOGIN;
    END IF;
EXCEPTION
    -- Roles are cluster-wide: another database of the cluster may be creating it right now.
    WHEN duplicate_object OR unique_violation THEN NULL;
    WHEN insufficient_privilege THEN
        RAISE NOTICE 'cannot create role switchboard_app (no CREATEROLE): the server must use the owner''s role';
END
$$;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'switchboard_app') THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO switchboard_app', current_database());
    GRANT USAGE ON SCHEMA public TO switchboard_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO switchboard_app;
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO switchboard_app;
    -- Tables later migrations create (run by this same owner) are the server's to use too.
    ALTER DEFAULT PRIVILEGES IN SCHEMA public
        GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO switchboard_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO switchboard_app;
    -- The change log: read by tailers, streams and polls; pruned by the retention job.
    GRANT USAGE ON SCHEMA realtime TO switchboard_app;
    GRANT SELECT ON realtime.changes, realtime.commits, realtime.horizon TO switchboard_app;
    GRANT DELETE ON realtime.changes, realtime.commits TO switchboard_app;
    GRANT UPDATE ON realtime.horizon TO switchboard_app;
    GRANT EXECUTE ON FUNCTION realtime.current_seq() TO switchboard_app;
END
$$;
