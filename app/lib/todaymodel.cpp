// SPDX-License-Identifier: Apache-2.0
#include "todaymodel.h"

#include "caseloadwarnings.h"
#include "domain/servicedate.h"
#include "sessiontrailmodel.h"
#include "storehost.h"

#include <QHash>
#include <QLoggingCategory>

#include <algorithm>

namespace sb::app {

namespace {

Q_LOGGING_CATEGORY(lcToday, "sessionbook.app.today")

TodayRow::State stateOf(const Session &session)
{
    if (session.isSigned()) {
        return TodayRow::State::Signed;
    }
    if (session.timing.isEmpty()) {
        return TodayRow::State::Stopped;
    }
    switch (session.timing.last().kind) {
    case TimingEventKind::Start:
    case TimingEventKind::Resume:
        return TodayRow::State::Running;
    case TimingEventKind::Pause:
        return TodayRow::State::Paused;
    case TimingEventKind::Stop:
        break;
    }
    return TodayRow::State::Stopped;
}

QString displayName(const Patient &patient)
{
    return patient.lastName + QStringLiteral(", ") + patient.firstName;
}

/// Today as the timer would date a session started now: by the server's time when the last
/// sync flagged the device clock as skewed, so that such a session is listed on its own day.
QDate serviceDayNow(const WorkerState &state)
{
    std::optional<std::int64_t> offset;
    if (state.sync && state.sync->isServerOffsetKnown()) {
        offset = state.sync->serverOffsetMs();
    }
    return serviceDateOf(timingEventNow(TimingEventKind::Start, state.clock, offset),
                         QTimeZone::systemTimeZone())
        .date;
}

/**
 * One page of Today on the store thread, starting at `from`: today's sessions by first tap,
 * then (once they are all listed) the caseload by name, `limit` rows in all, each with the
 * warnings of its patient. An error ends the list where it is (logged without PHI).
 */
TodayPage loadTodayPage(WorkerState &state, const TodayCursor &from, int limit)
{
    TodayPage page;
    page.next.sessionsDone = page.next.caseloadDone = true;
    if (!state.store || !state.provider || !state.clinician) {
        return page;
    }
    Store &store = *state.store;
    // One transaction for the page: each repository read appends audit rows and would
    // otherwise commit (and fsync the WAL) on its own, twice per patient.
    auto batch = store.database().begin();
    if (!batch) {
        qCWarning(lcToday) << "cannot begin a read:" << batch.error().message;
        return page;
    }
    const QDate today = from.day.isValid() ? from.day : serviceDayNow(state);
    const ProviderId providerId = state.provider->id;
    QHash<PatientId, Patient> patients;
    const auto fail = [&page](const char *what, const StoreError &error) {
        qCWarning(lcToday) << "cannot read" << what << error.message;
        page.rows.clear();
        page.next = TodayCursor{{}, {}, true, {}, true};
        page.failed = true;
        return page;
    };

    page.next = from;
    page.next.day = today;
    if (!from.sessionsDone) {
        auto sessions = store.sessions().sessionsForProviderPage(state.actor, providerId, today,
                                                                 from.session, limit);
        if (!sessions) {
            return fail("sessions", sessions.error());
        }
        for (const Session &session : sessions->sessions) {
            auto patient = patients.constFind(session.patientId);
            if (patient == patients.cend()) {
                auto read = store.patients().patient(state.actor, session.patientId);
                if (!read && read.error().kind == StoreError::Kind::NotFound) {
                    // A session whose patient is not on this device: no row, the rest stays.
                    qCWarning(lcToday) << "a session's patient is missing; its row is skipped";
                    continue;
                }
                if (!read) {
                    return fail("a patient", read.error());
                }
                patient = patients.insert(session.patientId, std::move(*read));
            }
            TodayRow row;
            row.patientId = session.patientId;
            row.patientName = displayName(*patient);
            row.sessionId = session.id;
            if (!session.timing.isEmpty()) {
                row.startedAt = session.timing.first().wallClockUtc.toLocalTime();
            }
            row.minutes = session.elapsedMinutes();
            for (const StatusEntry &entry : session.statusTrail) {
                row.furthestStatus = std::max(row.furthestStatus, int(entry.status));
            }
            row.state = stateOf(session);
            page.rows.append(std::move(row));
        }
        page.next.session = sessions->next;
        page.next.sessionsDone = !sessions->next;
    }
    if (page.next.sessionsDone && !from.caseloadDone && page.rows.size() < limit) {
        auto caseload =
            store.patients().caseloadPage(state.actor, state.clinician->organizationId, providerId,
                                          from.patient, limit - int(page.rows.size()));
        if (!caseload) {
            return fail("the caseload", caseload.error());
        }
        for (Patient &patient : caseload->patients) {
            TodayRow row;
            row.patientId = patient.id;
            row.patientName = displayName(patient);
            patients.insert(patient.id, std::move(patient));
            page.rows.append(std::move(row));
        }
        page.next.patient = caseload->next;
        page.next.caseloadDone = !caseload->next;
    }

    // The warnings of this page's patients only: their coverages and authorizations, against
    // this clinician's credentialing (practice records, small and not PHI).
    const auto credentialing = store.practice().credentialingFor(providerId);
    const auto payers = store.practice().payers();
    if (!credentialing || !payers) {
        return fail("practice records", !credentialing ? credentialing.error() : payers.error());
    }
    QHash<PatientId, CaseloadWarnings> warningsOf;
    for (TodayRow &row : page.rows) {
        auto found = warningsOf.constFind(row.patientId);
        if (found == warningsOf.cend()) {
            auto coverages = store.patients().coverages(state.actor, row.patientId);
            auto authorizations = store.patients().authorizations(state.actor, row.patientId);
            if (!coverages || !authorizations) {
                return fail("coverage", !coverages ? coverages.error() : authorizations.error());
            }
            found = warningsOf.insert(row.patientId,
                                      caseloadWarnings(*state.payerChecks, today, *coverages,
                                                       *authorizations, *credentialing, *payers));
        }
        row.warnings = found->messages;
        row.blocking = found->blocking;
    }
    if (auto committed = batch->commit(); !committed) {
        return fail("(commit)", committed.error());
    }
    return page;
}

} // namespace

TodayModel::TodayModel(StoreHost &host, QObject *parent)
    : QAbstractListModel(parent)
    , m_host(host)
{
}

int TodayModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant TodayModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const TodayRow &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case PatientNameRole:
        return row.patientName;
    case PatientIdRole:
        return row.patientId.toString();
    case SessionIdRole:
        return row.sessionId.isNull() ? QString() : row.sessionId.toString();
    case TimeRole:
        return row.startedAt.isValid() ? row.startedAt.toString(QStringLiteral("HH:mm"))
                                       : QString();
    case MinutesRole:
        return row.minutes;
    case SignedRole:
        return row.state == TodayRow::State::Signed;
    case WarningsRole:
        return row.warnings;
    case BlockingRole:
        return row.blocking;
    case SeenTodayRole:
        return !row.sessionId.isNull();
    case StatusRole:
        return row.furthestStatus < 0 ? QString() : SessionTrailModel::labelOf(row.furthestStatus);
    case ActiveRole:
        return row.state == TodayRow::State::Running || row.state == TodayRow::State::Paused;
    case StateTextRole:
        switch (row.state) {
        case TodayRow::State::None:
            return QString();
        case TodayRow::State::Running:
            return tr("Running");
        case TodayRow::State::Paused:
            return tr("Paused");
        case TodayRow::State::Stopped:
            return tr("Draft");
        case TodayRow::State::Signed:
            return tr("Signed");
        }
        return QString();
    default:
        return {};
    }
}

QHash<int, QByteArray> TodayModel::roleNames() const
{
    return {{PatientIdRole, "patientId"}, {PatientNameRole, "patientName"},
            {SessionIdRole, "sessionId"}, {TimeRole, "time"},
            {MinutesRole, "minutes"},     {SignedRole, "signed"},
            {WarningsRole, "warnings"},   {BlockingRole, "blocking"},
            {SeenTodayRole, "seenToday"}, {StatusRole, "status"},
            {StateTextRole, "stateText"}, {ActiveRole, "active"}};
}

bool TodayModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_next.has_value();
}

void TodayModel::fetchMore(const QModelIndex &parent)
{
    // Views ask again while a page is on its way; one page at a time keeps the order.
    if (parent.isValid() || !m_next || m_fetching || m_loading) {
        return;
    }
    m_fetching = true;
    const int generation = m_generation;
    const TodayCursor from = *m_next;
    const int limit = m_pageSize;
    m_host.run<TodayPage>(
        this, [from, limit](WorkerState &state) { return loadTodayPage(state, from, limit); },
        [this, generation](const TodayPage &page) {
            if (generation != m_generation) {
                return;
            }
            m_fetching = false;
            m_next = page.next.atEnd() ? std::nullopt : std::optional(page.next);
            setFailed(page.failed);
            if (page.rows.isEmpty()) {
                // Every row of the page was skipped: a view waits for rows before asking
                // again, so ask for the next page here.
                if (m_next) {
                    fetchMore({});
                }
                return;
            }
            const int first = int(m_rows.size());
            beginInsertRows({}, first, first + int(page.rows.size()) - 1);
            m_rows.append(page.rows);
            endInsertRows();
            Q_EMIT countChanged();
        });
}

void TodayModel::reload()
{
    m_loading = true;
    m_fetching = false;
    m_next.reset();
    Q_EMIT loadingChanged();
    const int generation = ++m_generation;
    const int limit = m_pageSize;
    m_host.run<TodayPage>(
        this, [limit](WorkerState &state) { return loadTodayPage(state, TodayCursor{}, limit); },
        [this, generation](const TodayPage &page) {
            if (generation != m_generation) {
                return;
            }
            m_next = page.next.atEnd() ? std::nullopt : std::optional(page.next);
            setFailed(page.failed);
            resetRows(page.rows);
            m_loading = false;
            Q_EMIT loadingChanged();
            Q_EMIT loaded();
        });
}

void TodayModel::clear()
{
    ++m_generation;
    m_next.reset();
    m_fetching = false;
    setFailed(false);
    resetRows({});
    if (m_loading) {
        m_loading = false;
        Q_EMIT loadingChanged();
    }
}

void TodayModel::setFailed(bool failed)
{
    const QString text =
        failed ? tr("Part of today's list could not be read from this device.") : QString();
    if (text != m_errorText) {
        m_errorText = text;
        Q_EMIT errorTextChanged();
    }
}

void TodayModel::resetRows(QList<TodayRow> rows)
{
    const int before = int(m_rows.size());
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    if (before != int(m_rows.size())) {
        Q_EMIT countChanged();
    }
}

} // namespace sb::app
