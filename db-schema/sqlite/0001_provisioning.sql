-- SPDX-License-Identifier: GPL-2.0-or-later
-- Migration 0001 (SQLite): the provisioning tables of a Tandem node —
-- served domains, subscribers with their digest HA1s, aliases, trusted
-- addresses, persisted registrations — and the change log that carries
-- every change of the first four to the nodes' in-memory snapshots.
-- Table and column names follow Kamailio's (domain, subscriber,
-- dbaliases -> alias, address, location) where the concept is the same;
-- docs/schema.md documents each one. Applied in one transaction by the
-- migration runner, which records it in schema_version.

CREATE TABLE IF NOT EXISTS schema_version (
    version     INTEGER PRIMARY KEY,            -- the migration's number
    name        TEXT    NOT NULL,               -- its file name
    applied_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE domain (
    id            INTEGER PRIMARY KEY,
    domain        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_modified TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE subscriber (
    id             INTEGER PRIMARY KEY,
    username       TEXT    NOT NULL,
    domain         TEXT    NOT NULL COLLATE NOCASE
                           REFERENCES domain (domain) ON UPDATE CASCADE,
    display_name   TEXT    NOT NULL DEFAULT '',
    -- HA1 = H(username:realm:password), hex, per digest algorithm (RFC
    -- 7616, RFC 8760); the realm is the domain. No plain password column.
    ha1            TEXT    NOT NULL CHECK (length(ha1) = 32),          -- MD5
    ha1_sha256     TEXT    NOT NULL CHECK (length(ha1_sha256) = 64),   -- SHA-256
    ha1_sha512t256 TEXT    NOT NULL CHECK (length(ha1_sha512t256) = 64), -- SHA-512/256
    enabled        INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_modified  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (username, domain)
);

-- Other URIs and numbers that reach a subscriber (Kamailio's dbaliases).
CREATE TABLE alias (
    id             INTEGER PRIMARY KEY,
    alias_username TEXT    NOT NULL,
    alias_domain   TEXT    NOT NULL COLLATE NOCASE,
    username       TEXT    NOT NULL,
    domain         TEXT    NOT NULL COLLATE NOCASE,
    created_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (alias_username, alias_domain),
    FOREIGN KEY (username, domain) REFERENCES subscriber (username, domain)
        ON UPDATE CASCADE ON DELETE CASCADE
);

-- Trusted source addresses (Kamailio's permissions "address" table).
CREATE TABLE address (
    id       INTEGER PRIMARY KEY,
    grp      INTEGER NOT NULL DEFAULT 1,   -- group, checked by the script
    ip_addr  TEXT    NOT NULL,             -- IPv4 or IPv6, text form
    mask     INTEGER NOT NULL DEFAULT 32 CHECK (mask BETWEEN 0 AND 128),
    port     INTEGER NOT NULL DEFAULT 0 CHECK (port BETWEEN 0 AND 65535), -- 0: any
    tag      TEXT    NOT NULL DEFAULT '',
    UNIQUE (grp, ip_addr, mask, port)
);

-- Registrations written behind by the registrar (Kamailio's location).
CREATE TABLE location (
    id            INTEGER PRIMARY KEY,
    ruid          TEXT    NOT NULL UNIQUE,     -- the binding's own id
    username      TEXT    NOT NULL,
    domain        TEXT    NOT NULL COLLATE NOCASE,
    contact       TEXT    NOT NULL,
    received      TEXT    NOT NULL DEFAULT '', -- source address when NATed
    path          TEXT    NOT NULL DEFAULT '', -- RFC 3327
    socket        TEXT    NOT NULL DEFAULT '', -- local listen address
    expires       TEXT    NOT NULL,            -- absolute, UTC
    q             INTEGER NOT NULL DEFAULT -1, -- thousandths, -1: none
    callid        TEXT    NOT NULL,
    cseq          INTEGER NOT NULL,
    flags         INTEGER NOT NULL DEFAULT 0,
    user_agent    TEXT    NOT NULL DEFAULT '',
    instance      TEXT    NOT NULL DEFAULT '', -- RFC 5626 +sip.instance
    reg_id        INTEGER NOT NULL DEFAULT 0,  -- RFC 5626 reg-id
    last_modified TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX location_aor ON location (username, domain);
CREATE INDEX location_expires ON location (expires);

-- Every change to a provisioning table, in order: nodes read it from the
-- id they saw last and refresh their snapshot (SQLite is polled).
CREATE TABLE change_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    tbl        TEXT    NOT NULL,  -- domain, subscriber, alias, address
    op         TEXT    NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    row_id     INTEGER NOT NULL,
    changed_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TRIGGER domain_ins AFTER INSERT ON domain BEGIN
    INSERT INTO change_log (tbl, op, row_id) VALUES ('domain', 'insert', NEW.id);
END;
CREATE TRIGGER domain_upd AFTER UPDATE ON domain BEGIN
    INSERT INTO change_log (tbl, op, row_id) VALUES ('domain', 'update', NEW.id);
END;
CREATE TRIGGER domain_del AFTER DELETE ON domain BEGIN
    INSERT INTO change_log (tbl, op, row_id) VALUES ('domain', 'delete', OLD.id);
END;
CREATE TRIGGER subscriber_ins AFTER INSERT ON subscriber BEGIN
    INSERT INTO change_log (tbl, op, row_id) VALUES ('subscriber', 'insert', NEW.id);
END;
CREATE TRIGGER subscriber_upd AFTER UPDATE ON subscriber BEGIN
    INSERT INTO change_log (tbl, op, row_id) VALUES ('subscriber', 'update', NEW.id);
END;
CREATE TRIGGER subscriber_del AFTER DELETE ON subscriber BEGIN
    INSERT INTO change_log (tbl, op, row_id) VALUES ('subscriber', 'delete', OLD.id);
END;
CREATE TRIGGER alias_ins AFTER INSERT ON alias BEGIN
    INSERT INTO change_log (tbl, op, row_id) VALUES ('alias', 'insert', NEW.id);
END;
CREATE TRIGGER alias_upd AFTER UPDATE ON alias BEGIN
    INSERT INTO change_log (tbl, op, row_id) VALUES ('alias', 'update', NEW.id);
END;
CREATE TRIGGER alias_del AFTER DELETE ON alias BEGIN
    INSERT INTO change_log (tbl, op, row_id) VALUES ('alias', 'delete', OLD.id);
END;
CREATE TRIGGER address_ins AFTER INSERT ON address BEGIN
    INSERT INTO change_log (tbl, op, row_id) VALUES ('address', 'insert', NEW.id);
END;
CREATE TRIGGER address_upd AFTER UPDATE ON address BEGIN
    INSERT INTO change_log (tbl, op, row_id) VALUES ('address', 'update', NEW.id);
END;
CREATE TRIGGER address_del AFTER DELETE ON address BEGIN
    INSERT INTO change_log (tbl, op, row_id) VALUES ('address', 'delete', OLD.id);
END;
