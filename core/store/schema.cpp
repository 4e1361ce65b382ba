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

// Core step 7 (first released after schema modules, so it has no shared version): each
// timer tap says whether a sync had measured the server offset it carries. Taps stored
// before this step never recorded one (the offset column held 0), so they stay "not known":
// that is the truth, and marking them known would change what the signatures of signed
// sessions cover (the content hash includes the flag only when it is set).
constexpr const char *timingOffsetKnown = R"sql(
ALTER TABLE session_timing ADD COLUMN server_offset_known INTEGER NOT NULL DEFAULT 0;
)sql";

// The steps of core's own tables. Stores made before schema modules ran them as the shared
// versions 1-4, 7 and 8 (v5, v6 and 9-11 were the sync tables, now in the sync targets).
constexpr std::array<MigrationStep, 7> steps{{{1, v1, 1},
                                              {2, v2, 2},
                                              {3, v3, 3},
                                              {4, v4, 4},
                                              {5, v7, 7},
                                              {6, v8, 8},
                                              {7, timingOffsetKnown, 0}}};

} // namespace

const SchemaModule &coreSchema()
{
    static constexpr SchemaModule module{"core", steps};
    return module;
}

} // namespace sb
