-- Agent workflows: AI agents that work on contacts. A task asks an agent to draft a message for
-- a contact; the draft waits for a person's approval, is then sent by the agent; follow-ups are
-- scheduled after a send and executed when due. Every table is organization-scoped and
-- captured, so each change streams to the dashboard like calls do.

CREATE TABLE agents (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name             text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    kind             text NOT NULL CHECK (kind IN ('outreach', 'follow_up')),
    status           text NOT NULL DEFAULT 'idle' CHECK (status IN ('idle', 'active', 'error')),
    last_activity_at timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, id)
);
CREATE INDEX agents_organization_idx ON agents (organization_id, name);

-- Contacts are referenced together with their organization, so a row can never point at
-- another organization's contact.
ALTER TABLE contacts ADD CONSTRAINT contacts_organization_id_key UNIQUE (organization_id, id);

CREATE TABLE agent_tasks (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL,
    contact_id      uuid NOT NULL,
    agent_id        uuid NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('draft_email', 'draft_sms')),
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'in_progress', 'completed', 'failed')),
    error           text CHECK (length(error) <= 500),
    -- The person who assigned it; NULL when an agent did (a follow-up coming due).
    assigned_by     uuid REFERENCES users (id) ON DELETE SET NULL,
    draft_id        uuid,
    started_at      timestamptz,
    -- When the (simulated) work is done: any worker instance may finish it then.
    finish_at       timestamptz,
    completed_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, contact_id) REFERENCES contacts (organization_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id) ON DELETE CASCADE,
    CHECK ((status = 'failed') = (error IS NOT NULL))
);
CREATE INDEX agent_tasks_pending_idx ON agent_tasks (created_at) WHERE status = 'pending';
CREATE INDEX agent_tasks_working_idx ON agent_tasks (finish_at) WHERE status = 'in_progress';
CREATE INDEX agent_tasks_org_idx ON agent_tasks (organization_id, created_at DESC);
CREATE INDEX agent_tasks_contact_idx ON agent_tasks (contact_id, created_at DESC);
CREATE INDEX agent_tasks_agent_idx ON agent_tasks (agent_id, created_at DESC);

CREATE TABLE drafts (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL,
    contact_id      uuid NOT NULL,
    task_id         uuid NOT NULL,
    agent_id        uuid NOT NULL,
    channel         text NOT NULL CHECK (channel IN ('email', 'sms')),
    subject         text CHECK (length(subject) <= 200),
    body            text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
    status          text NOT NULL DEFAULT 'pending_approval'
                    CHECK (status IN ('pending_approval', 'approved', 'sent', 'rejected')),
    decided_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    -- Kept with the decision, so "who decided" still reads right if the user is deleted.
    decided_by_name text,
    decided_at      timestamptz,
    reject_reason   text CHECK (length(reject_reason) <= 500),
    edited_by       uuid REFERENCES users (id) ON DELETE SET NULL,
    edited_at       timestamptz,
    sent_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, id),
    -- One draft per task: a task is never worked twice.
    UNIQUE (task_id),
    FOREIGN KEY (organization_id, contact_id) REFERENCES contacts (organization_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, task_id) REFERENCES agent_tasks (organization_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id) ON DELETE CASCADE,
    CHECK ((status = 'pending_approval') = (decided_at IS NULL))
);
CREATE INDEX drafts_pending_idx ON drafts (organization_id, created_at) WHERE status = 'pending_approval';
CREATE INDEX drafts_approved_idx ON drafts (decided_at) WHERE status = 'approved';
CREATE INDEX drafts_org_idx ON drafts (organization_id, created_at DESC);
CREATE INDEX drafts_contact_idx ON drafts (contact_id, created_at DESC);

ALTER TABLE agent_tasks ADD FOREIGN KEY (organization_id, draft_id)
    REFERENCES drafts (organization_id, id) ON DELETE SET NULL (draft_id);

CREATE TABLE follow_ups (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL,
    contact_id      uuid NOT NULL,
    agent_id        uuid NOT NULL,
    -- The sent draft this follows up on, if any.
    draft_id        uuid,
    scheduled_for   timestamptz NOT NULL,
    status          text NOT NULL DEFAULT 'scheduled'
                    CHECK (status IN ('scheduled', 'executed', 'cancelled')),
    result          text CHECK (length(result) <= 500),
    cancelled_by    uuid REFERENCES users (id) ON DELETE SET NULL,
    executed_at     timestamptz,
    cancelled_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, contact_id) REFERENCES contacts (organization_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, draft_id) REFERENCES drafts (organization_id, id) ON DELETE SET NULL (draft_id)
);
CREATE INDEX follow_ups_due_idx ON follow_ups (scheduled_for) WHERE status = 'scheduled';
CREATE INDEX follow_ups_org_idx ON follow_ups (organization_id, scheduled_for DESC);
CREATE INDEX follow_ups_contact_idx ON follow_ups (contact_id, scheduled_for DESC);

-- What agents did, for the activity feeds. Bounded: the agent worker keeps the newest 200
-- entries per agent.
CREATE TABLE agent_activity (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id uuid NOT NULL,
    agent_id        uuid NOT NULL,
    contact_id      uuid,
    task_id         uuid,
    kind            text NOT NULL CHECK (kind IN ('task_started', 'task_completed', 'task_failed',
                                                  'draft_sent', 'follow_up_scheduled', 'follow_up_executed')),
    message         text NOT NULL CHECK (length(message) <= 500),
    created_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX agent_activity_agent_idx ON agent_activity (agent_id, id DESC);
CREATE INDEX agent_activity_org_idx ON agent_activity (organization_id, id DESC);

CREATE TRIGGER agents_updated_at BEFORE UPDATE ON agents
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER agent_tasks_updated_at BEFORE UPDATE ON agent_tasks
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER drafts_updated_at BEFORE UPDATE ON drafts
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER follow_ups_updated_at BEFORE UPDATE ON follow_ups
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

SELECT realtime.capture('public.agents');
SELECT realtime.capture('public.agent_tasks');
SELECT realtime.capture('public.drafts');
SELECT realtime.capture('public.follow_ups');
-- The activity log streams its new entries; trimming old ones is not news.
CREATE TRIGGER realtime_capture AFTER INSERT ON agent_activity
    FOR EACH ROW EXECUTE FUNCTION realtime.capture_change();
