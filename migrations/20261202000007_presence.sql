-- Presence: who is looking at what, right now. Ephemeral by nature, so the tables are UNLOGGED
-- (no WAL, emptied after a crash of Postgres, which is what presence should be) and live in a
-- schema of their own, outside the change log: presence is never captured or replayed. Every
-- server instance reads and writes them, so a user served by one instance is seen by users of
-- any other.

CREATE SCHEMA presence;
REVOKE ALL ON SCHEMA presence FROM PUBLIC;

-- One row per open event stream (a browser holds one for all its tabs). The instance holding
-- the stream keeps `expires_at` ahead while it is open; a crashed instance stops doing so and
-- its rows expire.
CREATE UNLOGGED TABLE presence.connections (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    user_id         uuid NOT NULL,
    name            text NOT NULL,
    expires_at      timestamptz NOT NULL
);

-- The rooms a connection's tabs are in, as its browser last reported them. A report keeps
-- them for ~45 s (a crashed browser stops reporting); a room left, or a stream closed, is kept
-- a short grace (`leaving`) so moving between pages does not flicker.
CREATE UNLOGGED TABLE presence.rooms (
    connection_id   uuid NOT NULL REFERENCES presence.connections (id) ON DELETE CASCADE,
    room            text NOT NULL CHECK (length(room) BETWEEN 1 AND 100),
    organization_id uuid NOT NULL,
    user_id         uuid NOT NULL,
    leaving         boolean NOT NULL DEFAULT false,
    expires_at      timestamptz NOT NULL,
    PRIMARY KEY (connection_id, room)
);
CREATE INDEX presence_rooms_room_idx ON presence.rooms (organization_id, room);
CREATE INDEX presence_rooms_expiry_idx ON presence.rooms (expires_at);
CREATE INDEX presence_connections_expiry_idx ON presence.connections (expires_at);

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'switchboard_app') THEN
        RETURN;
    END IF;
    GRANT USAGE ON SCHEMA presence TO switchboard_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON presence.connections, presence.rooms TO switchboard_app;
END
$$;
