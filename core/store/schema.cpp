// SPDX-License-Identifier: Apache-2.0
#include "store/schema.h"

#include <array>

namespace sb {

namespace {

// Ids are 16-byte big-endian UUID BLOBs (v7 for our records, so they sort by creation time);
// dates are ISO TEXT; instants are INTEGER milliseconds since the epoch, UTC.

constexpr const char *v1 = R"sql(
CREATE TABLE organizations (
    id BLOB PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    group_npi TEXT NOT NULL DEFAULT '',
    tax_id TEXT NOT NULL DEFAULT '',
    address_line TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

CREATE TABLE providers (
    id BLOB PRIMARY KEY NOT NULL,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    credential TEXT NOT NULL,
    npi TEXT NOT NULL,
    taxonomy TEXT NOT NULL DEFAULT '',
    license_number TEXT NOT NULL DEFAULT '',
    license_state TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

CREATE TABLE users (
    id BLOB PRIMARY KEY NOT NULL,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    provider_id BLOB REFERENCES providers(id),
    active INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;

CREATE TABLE payers (
    id BLOB PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    payer_code TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT '',
    profile TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

CREATE TABLE patients (
    id BLOB PRIMARY KEY NOT NULL,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    birth_date TEXT,
    sex TEXT NOT NULL,
    address_line TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    primary_provider_id BLOB REFERENCES providers(id)
) WITHOUT ROWID;
CREATE INDEX patients_by_org_name ON patients(organization_id, last_name, first_name);

CREATE TABLE coverages (
    id BLOB PRIMARY KEY NOT NULL,
    patient_id BLOB NOT NULL REFERENCES patients(id),
    payer_id BLOB NOT NULL REFERENCES payers(id),
    member_id TEXT NOT NULL,
    group_number TEXT NOT NULL DEFAULT '',
    priority INTEGER NOT NULL DEFAULT 1,
    effective TEXT,
    termination TEXT,
    elig_checked_at INTEGER,
    elig_active INTEGER,
    elig_plan_begin TEXT,
    elig_plan_end TEXT,
    elig_source TEXT
) WITHOUT ROWID;
CREATE INDEX coverages_by_patient ON coverages(patient_id, priority);

CREATE TABLE authorizations (
    id BLOB PRIMARY KEY NOT NULL,
    patient_id BLOB NOT NULL REFERENCES patients(id),
    payer_id BLOB NOT NULL REFERENCES payers(id),
    provider_id BLOB REFERENCES providers(id),
    number TEXT NOT NULL,
    service_codes TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL,
    authorized INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0,
    start_date TEXT,
    end_date TEXT
) WITHOUT ROWID;
CREATE INDEX authorizations_by_patient ON authorizations(patient_id, end_date);

CREATE TABLE credentialing (
    id BLOB PRIMARY KEY NOT NULL,
    provider_id BLOB NOT NULL REFERENCES providers(id),
    payer_id BLOB NOT NULL REFERENCES payers(id),
    status TEXT NOT NULL,
    effective_date TEXT,
    end_date TEXT,
    caqh_attested_on TEXT,
    license_expires_on TEXT
) WITHOUT ROWID;
CREATE INDEX credentialing_by_provider ON credentialing(provider_id, payer_id);

CREATE TABLE sessions (
    id BLOB PRIMARY KEY NOT NULL,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    patient_id BLOB NOT NULL REFERENCES patients(id),
    provider_id BLOB NOT NULL REFERENCES providers(id),
    payer_id BLOB REFERENCES payers(id),
    date_of_service TEXT,
    service TEXT NOT NULL,
    modality TEXT NOT NULL,
    patient_location TEXT NOT NULL,
    interactive_complexity INTEGER NOT NULL DEFAULT 0,
    note_template TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    signed_by BLOB,
    signed_at INTEGER,
    signed_hash BLOB,
    updated_at INTEGER
) WITHOUT ROWID;
CREATE INDEX sessions_by_patient ON sessions(patient_id, date_of_service);
CREATE INDEX sessions_by_provider_date ON sessions(provider_id, date_of_service);

CREATE TABLE session_timing (
    session_id BLOB NOT NULL REFERENCES sessions(id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    wall_ms INTEGER,
    monotonic_ms INTEGER NOT NULL,
    boot_id INTEGER NOT NULL,
    server_offset_ms INTEGER NOT NULL,
    PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;

CREATE TABLE session_participants (
    session_id BLOB NOT NULL REFERENCES sessions(id),
    seq INTEGER NOT NULL,
    role TEXT NOT NULL,
    patient_id BLOB REFERENCES patients(id),
    display_name TEXT NOT NULL DEFAULT '',
    present INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;

CREATE TABLE session_diagnoses (
    session_id BLOB NOT NULL REFERENCES sessions(id),
    seq INTEGER NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;

CREATE TABLE session_addenda (
    id BLOB PRIMARY KEY NOT NULL,
    session_id BLOB NOT NULL REFERENCES sessions(id),
    author_id BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    text TEXT NOT NULL,
    signed_by BLOB,
    signed_at INTEGER,
    signed_hash BLOB
) WITHOUT ROWID;
CREATE INDEX addenda_by_session ON session_addenda(session_id, created_at);

CREATE TABLE session_status (
    session_id BLOB NOT NULL REFERENCES sessions(id),
    seq INTEGER NOT NULL,
    status TEXT NOT NULL,
    at INTEGER NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    user_id BLOB,
    device_id BLOB,
    action TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id BLOB,
    outcome TEXT NOT NULL,
    prev_hash BLOB NOT NULL,
    hash BLOB NOT NULL
);
)sql";

// v2: signed records become immutable in the database itself, and the audit log append-only
// with its chain head kept, so that truncating the tail is detected too.
constexpr const char *v2 = R"sql(
CREATE INDEX audit_by_record ON audit_log(record_id, seq);

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash BLOB NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
    SELECT 1, seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'immutable: audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'immutable: audit log is append-only'); END;

CREATE TRIGGER sessions_signed_immutable BEFORE UPDATE ON sessions
WHEN OLD.signed_at IS NOT NULL AND (
    NEW.note IS NOT OLD.note OR NEW.note_template IS NOT OLD.note_template
    OR NEW.organization_id IS NOT OLD.organization_id OR NEW.payer_id IS NOT OLD.payer_id
    OR NEW.service IS NOT OLD.service OR NEW.modality IS NOT OLD.modality
    OR NEW.patient_location IS NOT OLD.patient_location
    OR NEW.patient_id IS NOT OLD.patient_id OR NEW.provider_id IS NOT OLD.provider_id
    OR NEW.date_of_service IS NOT OLD.date_of_service
    OR NEW.interactive_complexity IS NOT OLD.interactive_complexity
    OR NEW.signed_at IS NOT OLD.signed_at OR NEW.signed_by IS NOT OLD.signed_by
    OR NEW.signed_hash IS NOT OLD.signed_hash)
BEGIN SELECT RAISE(ABORT, 'immutable: session is signed'); END;
CREATE TRIGGER sessions_signed_no_delete BEFORE DELETE ON sessions
WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'immutable: session is signed'); END;

CREATE TRIGGER timing_signed_insert BEFORE INSERT ON session_timing
WHEN (SELECT signed_at FROM sessions WHERE id = NEW.session_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'immutable: session is signed'); END;
CREATE TRIGGER timing_signed_delete BEFORE DELETE ON session_timing
WHEN (SELECT signed_at FROM sessions WHERE id = OLD.session_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'immutable: session is signed'); END;
CREATE TRIGGER timing_signed_update BEFORE UPDATE ON session_timing
WHEN (SELECT signed_at FROM sessions WHERE id = OLD.session_id) IS NOT NULL
  OR (SELECT signed_at FROM sessions WHERE id = NEW.session_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'immutable: session is signed'); END;
CREATE TRIGGER diagnoses_signed_update BEFORE UPDATE ON session_diagnoses
WHEN (SELECT signed_at FROM sessions WHERE id = OLD.session_id) IS NOT NULL
  OR (SELECT signed_at FROM sessions WHERE id = NEW.session_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'immutable: session is signed'); END;
CREATE TRIGGER participants_signed_update BEFORE UPDATE ON session_participants
WHEN (SELECT signed_at FROM sessions WHERE id = OLD.session_id) IS NOT NULL
  OR (SELECT signed_at FROM sessions WHERE id = NEW.session_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'immutable: session is signed'); END;
CREATE TRIGGER diagnoses_signed_insert BEFORE INSERT ON session_diagnoses
WHEN (SELECT signed_at FROM sessions WHERE id = NEW.session_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'immutable: session is signed'); END;
CREATE TRIGGER diagnoses_signed_delete BEFORE DELETE ON session_diagnoses
WHEN (SELECT signed_at FROM sessions WHERE id = OLD.session_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'immutable: session is signed'); END;
CREATE TRIGGER participants_signed_insert BEFORE INSERT ON session_participants
WHEN (SELECT signed_at FROM sessions WHERE id = NEW.session_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'immutable: session is signed'); END;
CREATE TRIGGER participants_signed_delete BEFORE DELETE ON session_participants
WHEN (SELECT signed_at FROM sessions WHERE id = OLD.session_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'immutable: session is signed'); END;

CREATE TRIGGER addenda_signed_immutable BEFORE UPDATE ON session_addenda
WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'immutable: addendum is signed'); END;
CREATE TRIGGER addenda_signed_no_delete BEFORE DELETE ON session_addenda
WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'immutable: addendum is signed'); END;
)sql";

// v3: eligibility snapshots record behavioral-health carve-outs (mental-health benefits paid
// by another payer, typically a managed behavioral health organization).
constexpr const char *v3 = R"sql(
ALTER TABLE coverages ADD COLUMN elig_bh_carved_out INTEGER NOT NULL DEFAULT 0;
ALTER TABLE coverages ADD COLUMN elig_carve_out_payer_name TEXT NOT NULL DEFAULT '';
ALTER TABLE coverages ADD COLUMN elig_carve_out_payer_id TEXT NOT NULL DEFAULT '';
ALTER TABLE coverages ADD COLUMN elig_carve_out_phone TEXT NOT NULL DEFAULT '';
)sql";

// v4: ICD-10-CM code sets, one release per fiscal year (1 October - 30 September). Public
// data, not PHI. Keyed by fiscal year first: an import appends one contiguous key range (an
// interleaved key made the second year's import rewrite every page), and a code prefix
// within a year is a range scan. A release's rows are replaced as a whole on re-import.
constexpr const char *v4 = R"sql(
CREATE TABLE icd10_releases (
    fiscal_year INTEGER PRIMARY KEY NOT NULL,
    id BLOB NOT NULL UNIQUE,
    layout TEXT NOT NULL,
    source_name TEXT NOT NULL,
    source_sha256 BLOB NOT NULL,
    imported_at INTEGER NOT NULL,
    billable_count INTEGER NOT NULL,
    header_count INTEGER NOT NULL,
    headers_derived INTEGER NOT NULL
);

CREATE TABLE icd10_codes (
    code TEXT NOT NULL,
    fiscal_year INTEGER NOT NULL REFERENCES icd10_releases(fiscal_year),
    billable INTEGER NOT NULL,
    short_description TEXT NOT NULL,
    long_description TEXT NOT NULL,
    PRIMARY KEY (fiscal_year, code)
) WITHOUT ROWID;
)sql";

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

// v7: each session keeps the wall clock of its first timer tap (-1 before the first tap), so a
// day's list pages by it through an index instead of reading every session's taps per page.
// Derived from the taps, which a signed session can no longer change; the v2 trigger does not
// guard the column, so the backfill reaches signed sessions too. The new index starts with
// (provider, day), so the v1 index on just those is dropped: one index to keep up per write.
// A clinician's caseload pages by name through its own index too, however large the practice.
constexpr const char *v7 = R"sql(
ALTER TABLE sessions ADD COLUMN first_tap_ms INTEGER NOT NULL DEFAULT -1;
UPDATE sessions SET first_tap_ms = COALESCE(
    (SELECT t.wall_ms FROM session_timing t WHERE t.session_id = sessions.id
     ORDER BY t.seq LIMIT 1), -1);
CREATE INDEX sessions_by_provider_day_first_tap
    ON sessions(provider_id, date_of_service, first_tap_ms, id);
DROP INDEX sessions_by_provider_date;
CREATE INDEX patients_by_provider_name
    ON patients(organization_id, primary_provider_id, last_name, first_name, id);

-- Once filled in, the first tap of a signed session is as fixed as its taps.
DROP TRIGGER sessions_signed_immutable;
CREATE TRIGGER sessions_signed_immutable BEFORE UPDATE ON sessions
WHEN OLD.signed_at IS NOT NULL AND (
    NEW.note IS NOT OLD.note OR NEW.note_template IS NOT OLD.note_template
    OR NEW.organization_id IS NOT OLD.organization_id OR NEW.payer_id IS NOT OLD.payer_id
    OR NEW.service IS NOT OLD.service OR NEW.modality IS NOT OLD.modality
    OR NEW.patient_location IS NOT OLD.patient_location
    OR NEW.patient_id IS NOT OLD.patient_id OR NEW.provider_id IS NOT OLD.provider_id
    OR NEW.date_of_service IS NOT OLD.date_of_service
    OR NEW.interactive_complexity IS NOT OLD.interactive_complexity
    OR NEW.signed_at IS NOT OLD.signed_at OR NEW.signed_by IS NOT OLD.signed_by
    OR NEW.signed_hash IS NOT OLD.signed_hash OR NEW.first_tap_ms IS NOT OLD.first_tap_ms)
BEGIN SELECT RAISE(ABORT, 'immutable: session is signed'); END;
)sql";

// v8: the audit chain is keyed (HMAC-SHA256 under a key derived from the store key) and
// records the network peer of sync requests. Rows already written keep their plain SHA-256
// hashes: rewriting them would destroy the very evidence they are, so the head remembers where
// the key starts (the next row) and verify() checks each side its own way.
constexpr const char *v8 = R"sql(
ALTER TABLE audit_log ADD COLUMN peer TEXT;
ALTER TABLE audit_head ADD COLUMN keyed_from INTEGER NOT NULL DEFAULT 1;
UPDATE audit_head SET keyed_from = seq + 1;
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

// v10: a device pins the server's public key (SHA-256 of its SubjectPublicKeyInfo), so that a
// certificate renewed with the same key keeps it syncing, plus an optional backup key. A pin
// saved before this step may be a certificate hash ('legacy'): the first sync that matches it
// replaces it with that certificate's key pin.
constexpr const char *v10 = R"sql(
ALTER TABLE sync_state ADD COLUMN backup_pin_sha256 BLOB;
ALTER TABLE sync_state ADD COLUMN pin_kind TEXT NOT NULL DEFAULT 'legacy';
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

// v12: each timer tap says whether a sync had measured the server offset it carries. Taps
// stored before this step never recorded one (the offset column held 0), so they stay "not
// known": that is the truth, and marking them known would change what the signatures of signed
// sessions cover (the content hash includes the flag only when it is set).
constexpr const char *v12 = R"sql(
ALTER TABLE session_timing ADD COLUMN server_offset_known INTEGER NOT NULL DEFAULT 0;
)sql";

constexpr std::array<MigrationStep, 12> steps{{{1, v1},
                                               {2, v2},
                                               {3, v3},
                                               {4, v4},
                                               {5, v5},
                                               {6, v6},
                                               {7, v7},
                                               {8, v8},
                                               {9, v9},
                                               {10, v10},
                                               {11, v11},
                                               {12, v12}}};

} // namespace

std::span<const MigrationStep> storeSchema()
{
    return steps;
}

int storeSchemaVersion()
{
    return steps.back().version;
}

} // namespace sb
