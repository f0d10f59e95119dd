-- SPDX-License-Identifier: GPL-2.0-or-later
-- Migration 0001 (PostgreSQL): the same tables as sqlite/0001 — served
-- domains, subscribers with their digest HA1s, aliases, trusted
-- addresses, persisted registrations — and the change log that carries
-- every change of the first four to the nodes' in-memory snapshots. Here
-- the change log also wakes the nodes: each row is announced with
-- NOTIFY tandem_change (payload: its id); nodes still poll by the last id
-- they saw, so a notification missed while disconnected costs nothing.
-- docs/schema.md documents each table. Applied in one transaction by the
-- migration runner, which records it in schema_version.

CREATE TABLE IF NOT EXISTS schema_version (
    version     integer     PRIMARY KEY,
    name        text        NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE domain (
    id            bigserial   PRIMARY KEY,
    domain        text        NOT NULL UNIQUE, -- referred to by name, as in Kamailio
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_modified timestamptz NOT NULL DEFAULT now()
);
-- domains compare without case (example.ORG is example.org)
CREATE UNIQUE INDEX domain_domain_nocase ON domain (lower(domain));

CREATE TABLE subscriber (
    id             bigserial   PRIMARY KEY,
    username       text        NOT NULL,
    domain         text        NOT NULL
                               REFERENCES domain (domain) ON UPDATE CASCADE,
    display_name   text        NOT NULL DEFAULT '',
    -- HA1 = H(username:realm:password), hex, per digest algorithm (RFC
    -- 7616, RFC 8760); the realm is the domain. No plain password column.
    ha1            text        NOT NULL CHECK (length(ha1) = 32),
    ha1_sha256     text        NOT NULL CHECK (length(ha1_sha256) = 64),
    ha1_sha512t256 text        NOT NULL CHECK (length(ha1_sha512t256) = 64),
    enabled        boolean     NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_modified  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (username, domain)
);

CREATE TABLE alias (
    id             bigserial   PRIMARY KEY,
    alias_username text        NOT NULL,
    alias_domain   text        NOT NULL,
    username       text        NOT NULL,
    domain         text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (alias_username, alias_domain),
    FOREIGN KEY (username, domain) REFERENCES subscriber (username, domain)
        ON UPDATE CASCADE ON DELETE CASCADE
);

CREATE TABLE address (
    id       bigserial PRIMARY KEY,
    grp      integer   NOT NULL DEFAULT 1,
    ip_addr  inet      NOT NULL,
    mask     integer   NOT NULL DEFAULT 32 CHECK (mask BETWEEN 0 AND 128),
    port     integer   NOT NULL DEFAULT 0 CHECK (port BETWEEN 0 AND 65535),
    tag      text      NOT NULL DEFAULT '',
    UNIQUE (grp, ip_addr, mask, port)
);

CREATE TABLE location (
    id            bigserial   PRIMARY KEY,
    ruid          text        NOT NULL UNIQUE,
    username      text        NOT NULL,
    domain        text        NOT NULL,
    contact       text        NOT NULL,
    received      text        NOT NULL DEFAULT '',
    path          text        NOT NULL DEFAULT '',
    socket        text        NOT NULL DEFAULT '',
    expires       timestamptz NOT NULL,
    q             integer     NOT NULL DEFAULT -1,
    callid        text        NOT NULL,
    cseq          bigint      NOT NULL,
    flags         integer     NOT NULL DEFAULT 0,
    user_agent    text        NOT NULL DEFAULT '',
    instance      text        NOT NULL DEFAULT '',
    reg_id        integer     NOT NULL DEFAULT 0,
    last_modified timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX location_aor ON location (username, domain);
CREATE INDEX location_expires ON location (expires);

CREATE TABLE change_log (
    id         bigserial   PRIMARY KEY,
    tbl        text        NOT NULL,
    op         text        NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    row_id     bigint      NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);

-- One trigger function for the four provisioning tables: log the change
-- and announce its id.
CREATE FUNCTION tandem_log_change() RETURNS trigger AS $$
DECLARE
    logged bigint;
BEGIN
    INSERT INTO change_log (tbl, op, row_id)
    VALUES (TG_TABLE_NAME, lower(TG_OP),
            CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END)
    RETURNING id INTO logged;
    PERFORM pg_notify('tandem_change', logged::text);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER domain_change AFTER INSERT OR UPDATE OR DELETE ON domain
    FOR EACH ROW EXECUTE FUNCTION tandem_log_change();
CREATE TRIGGER subscriber_change AFTER INSERT OR UPDATE OR DELETE ON subscriber
    FOR EACH ROW EXECUTE FUNCTION tandem_log_change();
CREATE TRIGGER alias_change AFTER INSERT OR UPDATE OR DELETE ON alias
    FOR EACH ROW EXECUTE FUNCTION tandem_log_change();
CREATE TRIGGER address_change AFTER INSERT OR UPDATE OR DELETE ON address
    FOR EACH ROW EXECUTE FUNCTION tandem_log_change();
