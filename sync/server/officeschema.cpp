// SPDX-License-Identifier: Apache-2.0
#include "server/officeschema.h"

#include <array>

namespace sb::sync {

namespace {

// The back office's sync tables: devices, enrollment codes and tokens, the ledger, the pull
// feed and the office's tasks.
// Ids are 16-byte big-endian UUID BLOBs, instants INTEGER milliseconds since the epoch, UTC.
// Each constant keeps the number it had in the single, shared sequence of stores made before
// schema modules (MigrationStep::monolithicVersion).

// v5: the back office's sync tables (unused on devices). Device tokens and enrollment codes
// are kept only as SHA-256 hashes. The ledger applies each pushed change exactly once
// (change_id -> content hash, outcome, server sequence); conflicts keep the losing payload
// for review and are never applied. The pull feed carries a per-organization, server-issued
// sequence; each item is addressed to one clinician's caseload (provider_id) or, when NULL,
// to the whole organization.
constexpr const char *v5 = R"sql(
CREATE TABLE office_devices (
    id BLOB PRIMARY KEY NOT NULL,
    user_id BLOB NOT NULL REFERENCES users(id),
    name TEXT NOT NULL DEFAULT '',
    platform TEXT NOT NULL DEFAULT '',
    token_hash BLOB NOT NULL UNIQUE,
    enrolled_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER,
    last_seen_at INTEGER
) WITHOUT ROWID;
CREATE INDEX office_devices_by_user ON office_devices(user_id);

CREATE TABLE office_enrollment_codes (
    code_hash BLOB PRIMARY KEY NOT NULL,
    user_id BLOB NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    device_id BLOB
) WITHOUT ROWID;

CREATE TABLE office_sync_sequence (
    organization_id BLOB PRIMARY KEY NOT NULL REFERENCES organizations(id),
    last_seq INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE office_sync_ledger (
    change_id BLOB PRIMARY KEY NOT NULL,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    device_id BLOB NOT NULL,
    record_type TEXT NOT NULL,
    record_id BLOB NOT NULL,
    content_hash BLOB NOT NULL,
    outcome TEXT NOT NULL,
    server_seq INTEGER NOT NULL,
    received_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX office_sync_ledger_by_record ON office_sync_ledger(record_id);

CREATE TABLE office_sync_conflicts (
    id INTEGER PRIMARY KEY,
    change_id BLOB NOT NULL,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    device_id BLOB NOT NULL,
    record_type TEXT NOT NULL,
    record_id BLOB NOT NULL,
    content_hash BLOB NOT NULL,
    reason TEXT NOT NULL,
    payload BLOB NOT NULL,
    received_at INTEGER NOT NULL,
    resolved_at INTEGER,
    UNIQUE (change_id, content_hash)
);

CREATE TABLE office_pull_feed (
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    seq INTEGER NOT NULL,
    provider_id BLOB,
    kind TEXT NOT NULL,
    record_id BLOB NOT NULL,
    payload BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (organization_id, seq)
) WITHOUT ROWID;

CREATE TABLE office_tasks (
    id BLOB PRIMARY KEY NOT NULL,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    session_id BLOB NOT NULL REFERENCES sessions(id),
    provider_id BLOB NOT NULL REFERENCES providers(id),
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    done_at INTEGER
) WITHOUT ROWID;
CREATE INDEX office_tasks_by_provider ON office_tasks(provider_id, done_at);
)sql";

// v9: the back office's ledger and conflicts are per organization. A change id is the device's
// own number, so the same id from another organization is another change: it must neither find
// nor block the first one (which would tell a device about another practice's changes).
constexpr const char *v9 = R"sql(
CREATE TABLE office_sync_ledger_v9 (
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    change_id BLOB NOT NULL,
    device_id BLOB NOT NULL,
    record_type TEXT NOT NULL,
    record_id BLOB NOT NULL,
    content_hash BLOB NOT NULL,
    outcome TEXT NOT NULL,
    server_seq INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (organization_id, change_id)
) WITHOUT ROWID;
INSERT INTO office_sync_ledger_v9 (organization_id, change_id, device_id, record_type, record_id,
    content_hash, outcome, server_seq, received_at)
SELECT organization_id, change_id, device_id, record_type, record_id, content_hash, outcome,
    server_seq, received_at FROM office_sync_ledger;
DROP TABLE office_sync_ledger;
ALTER TABLE office_sync_ledger_v9 RENAME TO office_sync_ledger;
CREATE INDEX office_sync_ledger_by_record ON office_sync_ledger(organization_id, record_id);

CREATE TABLE office_sync_conflicts_v9 (
    id INTEGER PRIMARY KEY,
    change_id BLOB NOT NULL,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    device_id BLOB NOT NULL,
    record_type TEXT NOT NULL,
    record_id BLOB NOT NULL,
    content_hash BLOB NOT NULL,
    reason TEXT NOT NULL,
    payload BLOB NOT NULL,
    received_at INTEGER NOT NULL,
    resolved_at INTEGER,
    UNIQUE (organization_id, change_id, content_hash)
);
INSERT INTO office_sync_conflicts_v9 SELECT id, change_id, organization_id, device_id,
    record_type, record_id, content_hash, reason, payload, received_at, resolved_at
    FROM office_sync_conflicts;
DROP TABLE office_sync_conflicts;
ALTER TABLE office_sync_conflicts_v9 RENAME TO office_sync_conflicts;
)sql";

// v11: the office's short-lived access tokens and rotating refresh tokens (hashes only). A
// device has any number of live access tokens (a retried rotation mints one more); each
// refresh token is spent once, naming its successor, so a replay is told from a retry.
// office_devices.last_seen_at is now written, with the peer address it came from.
constexpr const char *v11 = R"sql(
ALTER TABLE office_devices ADD COLUMN last_peer TEXT;
CREATE TABLE office_access_tokens (
    token_hash BLOB PRIMARY KEY NOT NULL,
    device_id BLOB NOT NULL REFERENCES office_devices(id),
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX office_access_tokens_by_device ON office_access_tokens(device_id, expires_at);
CREATE TABLE office_refresh_tokens (
    token_hash BLOB PRIMARY KEY NOT NULL,
    device_id BLOB NOT NULL REFERENCES office_devices(id),
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    spent_at INTEGER,
    successor_hash BLOB
) WITHOUT ROWID;
CREATE INDEX office_refresh_tokens_by_device ON office_refresh_tokens(device_id);
)sql";

constexpr std::array<MigrationStep, 3> steps{{{1, v5, 5}, {2, v9, 9}, {3, v11, 11}}};

/// Core's tables first: these reference its organizations, users and sessions.
constexpr std::array<SchemaModule, 1> modules{{SchemaModule{"office_sync", steps}}};

} // namespace

std::span<const SchemaModule> officeSchema()
{
    return modules;
}

} // namespace sb::sync
