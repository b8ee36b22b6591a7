-- The activity chart reads the calls that finished in the last hour, per organization.
CREATE INDEX calls_org_ended_at_idx ON calls (organization_id, ended_at)
    WHERE ended_at IS NOT NULL;
