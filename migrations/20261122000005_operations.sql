-- Operations: telephony status callbacks (Twilio's format), call timeouts, and the figures
-- the health-check, the admin health page and the header indicator read.

-- Each organization's telephony credentials. The auth token signs the provider's callbacks
-- (HMAC-SHA1), so it is kept as is; it is never captured (not on any stream). After a
-- rotation the previous token keeps working for a short grace (the provider's console is
-- updated by hand) — see `app::data::telephony::PREVIOUS_TOKEN_GRACE`.
CREATE FUNCTION new_telephony_token() RETURNS text
LANGUAGE sql VOLATILE AS $$
    -- 244 random bits, 64 hex characters.
    SELECT replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')
$$;

CREATE TABLE telephony_accounts (
    organization_id     uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    auth_token          text NOT NULL DEFAULT new_telephony_token(),
    previous_auth_token text,
    rotated_at          timestamptz NOT NULL DEFAULT now()
);

INSERT INTO telephony_accounts (organization_id) SELECT id FROM organizations;

CREATE FUNCTION organization_telephony() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO telephony_accounts (organization_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

CREATE TRIGGER organizations_telephony AFTER INSERT ON organizations
    FOR EACH ROW EXECUTE FUNCTION organization_telephony();

-- A call remembers the provider's last sequence number (replays and late callbacks change
-- nothing) and when the provider last reported on it (webhook staleness, timeouts).
ALTER TABLE calls ADD COLUMN provider_sequence integer;
ALTER TABLE calls ADD COLUMN last_callback_at timestamptz;
-- Callbacks find their call by (organization, CallSid).
CREATE INDEX calls_org_provider_idx ON calls (organization_id, provider_call_id)
    WHERE provider_call_id IS NOT NULL;
-- Calls placed per minute (the admin page's active-call sparkline).
CREATE INDEX calls_org_created_idx ON calls (organization_id, created_at);
-- Finished calls by time: failure rates, timeouts, totals.
CREATE INDEX calls_org_ended_idx ON calls (organization_id, ended_at)
    WHERE ended_at IS NOT NULL;

-- Every callback received, counted per organization, minute, outcome and reason. Reasons
-- come from a fixed list in the server, so the table stays small however many callbacks
-- arrive (good or forged); rows older than a day are pruned.
CREATE TABLE webhook_receipts (
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    minute          timestamptz NOT NULL,
    outcome         text NOT NULL CHECK (outcome IN ('applied', 'duplicate', 'stale', 'rejected')),
    reason          text NOT NULL DEFAULT '' CHECK (length(reason) <= 40),
    received        bigint NOT NULL DEFAULT 0,
    last_at         timestamptz NOT NULL,
    PRIMARY KEY (organization_id, minute, outcome, reason)
);
CREATE INDEX webhook_receipts_minute_idx ON webhook_receipts (minute);

-- What each server instance measured, every couple of seconds, per organization it served
-- (messages, deliveries, streams) plus its engine figures. The admin health page sums the
-- instances, so it is right whichever instance serves it. UNLOGGED and pruned after an
-- hour: these are recent figures, not records.
CREATE UNLOGGED TABLE instance_samples (
    instance_id        uuid NOT NULL,
    organization_id    uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    sampled_at         timestamptz NOT NULL,
    window_ms          integer NOT NULL CHECK (window_ms > 0),
    published          bigint NOT NULL,
    deliveries         bigint NOT NULL,
    streams            integer NOT NULL,
    subscriptions      integer NOT NULL,
    listener_connected boolean NOT NULL,
    listener_reconnects bigint NOT NULL,
    publish_p50_ms     double precision,
    publish_p99_ms     double precision,
    PRIMARY KEY (organization_id, sampled_at, instance_id)
);
CREATE INDEX instance_samples_time_idx ON instance_samples (sampled_at);

-- Commit → render latency reported by browsers, summed per organization and minute into
-- fixed buckets (`app::model::operations::LATENCY_BUCKETS_MS`). UNLOGGED, pruned after a day.
CREATE UNLOGGED TABLE browser_latency (
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    minute          timestamptz NOT NULL,
    counts          bigint[] NOT NULL,
    PRIMARY KEY (organization_id, minute)
);
