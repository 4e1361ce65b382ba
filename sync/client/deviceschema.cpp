// SPDX-License-Identifier: Apache-2.0
#include "client/deviceschema.h"

#include <array>

namespace sb::sync {

namespace {

// The device's sync tables: the outbox, the sync state (enrollment, pins, cursor, clock
// offset), the merge shadow, conflicts and the office's tasks.
// Ids are 16-byte big-endian UUID BLOBs, instants INTEGER milliseconds since the epoch, UTC.
// Each constant keeps the number it had in the single, shared sequence of stores made before
// schema modules (MigrationStep::monolithicVersion).

// v6: the device's sync tables (unused on the office). The outbox holds each signed record's
// encoded change from the transaction that signed it until the server acknowledges it; its
// order is a local counter, never the device clock. The shadow holds the last value the server
// sent for each mutable field (the base of a three-way merge); a conflict keeps the losing value.
constexpr const char *v6 = R"sql(
CREATE TABLE sync_outbox (
    change_id BLOB PRIMARY KEY NOT NULL,
    seq INTEGER NOT NULL UNIQUE,
    record_type TEXT NOT NULL,
    record_id BLOB NOT NULL,
    content_hash BLOB NOT NULL,
    payload BLOB NOT NULL,
    enqueued_at INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_attempt_at INTEGER,
    last_error TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE UNIQUE INDEX sync_outbox_by_record ON sync_outbox(record_type, record_id);
CREATE INDEX sync_outbox_by_state ON sync_outbox(state, seq);

CREATE TABLE sync_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    device_id BLOB,
    user_id BLOB,
    organization_id BLOB,
    provider_id BLOB,
    server_url TEXT NOT NULL DEFAULT '',
    pinned_sha256 BLOB,
    pull_cursor INTEGER NOT NULL DEFAULT 0,
    server_offset_ms INTEGER NOT NULL DEFAULT 0,
    offset_measured_at INTEGER,
    last_success_at INTEGER,
    last_error TEXT NOT NULL DEFAULT '',
    last_error_at INTEGER
);
INSERT INTO sync_state (id) VALUES (1);

CREATE TABLE sync_conflicts (
    id BLOB PRIMARY KEY NOT NULL,
    record_type TEXT NOT NULL,
    record_id BLOB NOT NULL,
    field TEXT NOT NULL,
    kept_value TEXT,
    losing_value TEXT,
    winner TEXT NOT NULL,
    server_seq INTEGER,
    at INTEGER NOT NULL,
    resolved_at INTEGER
) WITHOUT ROWID;
CREATE INDEX sync_conflicts_by_record ON sync_conflicts(record_type, record_id, at);

CREATE TABLE sync_shadow (
    record_type TEXT NOT NULL,
    record_id BLOB NOT NULL,
    field TEXT NOT NULL,
    value TEXT,
    PRIMARY KEY (record_type, record_id, field)
) WITHOUT ROWID;

CREATE TABLE sync_tasks (
    id BLOB PRIMARY KEY NOT NULL,
    session_id BLOB,
    kind TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    server_seq INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sync_tasks_open ON sync_tasks(done, created_at);
)sql";

// v10: a device pins the server's public key (SHA-256 of its SubjectPublicKeyInfo), so that a
// certificate renewed with the same key keeps it syncing, plus an optional backup key. A pin
// saved before this step may be a certificate hash ('legacy'): the first sync that matches it
// replaces it with that certificate's key pin.
constexpr const char *v10 = R"sql(
ALTER TABLE sync_state ADD COLUMN backup_pin_sha256 BLOB;
ALTER TABLE sync_state ADD COLUMN pin_kind TEXT NOT NULL DEFAULT 'legacy';
)sql";

constexpr std::array<MigrationStep, 2> steps{{{1, v6, 6}, {2, v10, 10}}};

/// After core's module (the sync state names core's records by id, without foreign keys).
constexpr std::array<SchemaModule, 1> modules{{SchemaModule{"device_sync", steps}}};

} // namespace

std::span<const SchemaModule> deviceSchema()
{
    return modules;
}

} // namespace sb::sync
