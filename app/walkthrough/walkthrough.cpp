// SPDX-License-Identifier: Apache-2.0
#include "walkthrough.h"

#include "clinicianapp.h"
#include "diagnosissearchmodel.h"
#include "util/clock.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QGuiApplication>
#include <QQuickItem>
#include <QQuickWindow>

#include <cstdio>

namespace sb::app {

namespace {

bool waitFor(const std::function<bool()> &done, int timeoutMs = 10000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired()) {
            return false;
        }
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    QCoreApplication::processEvents();
    return true;
}

} // namespace

Walkthrough::Walkthrough(ClinicianApp &app, QQuickWindow &window, ManualClock &clock,
                         QString outDir)
    : m_window(window)
    , m_clock(clock)
    , m_lock(app.lock())
    , m_enrollment(app.enrollment())
    , m_today(app.today())
    , m_capture(app.capture())
    , m_trail(app.trail())
    , m_sync(app.sync())
    , m_tasks(app.tasks())
    , m_textScale(app.textScale())
    , m_outDir(std::move(outDir))
{
}

bool Walkthrough::run()
{
    m_window.setProperty("coverWhenInactive", false);
    shoot(QStringLiteral("lock-first-run"));
    m_lock.choosePasscode(QStringLiteral("walkthrough-passcode"),
                          QStringLiteral("walkthrough-passcode"));
    bool loaded = false;
    auto connection = QObject::connect(&m_today, &TodayModel::loaded, [&loaded] { loaded = true; });
    using Enrollment = EnrollmentController;
    if (!step("unlock", [&] { return m_lock.state() == LockController::Unlocked; })
        || !step("enroll", [&] { return m_enrollment.state() == Enrollment::Needed; })) {
        return false;
    }
    shoot(QStringLiteral("enroll"));
    m_enrollment.enrollWithLink(QStringLiteral("https://office.example/not-a-link"));
    shoot(QStringLiteral("enroll-error"));
    m_enrollment.skip();
    if (!step("today", [&] { return loaded && m_today.rowCount() > 0; })) {
        return false;
    }
    QObject::disconnect(connection);
    shoot(QStringLiteral("today"));
    shootLargest(QStringLiteral("today"));
    if (auto *menu = m_window.findChild<QObject *>(QStringLiteral("settingsMenu"))) {
        QMetaObject::invokeMethod(menu, "open");
        waitFor([menu] { return menu->property("opened").toBool(); });
        shoot(QStringLiteral("today-settings"));
        shootLargest(QStringLiteral("today-settings"));
        QMetaObject::invokeMethod(menu, "close");
    }
    // The header and task list as an enrolled device shows them while offline (a
    // scripted run has no server: fictional values, put back afterwards).
    SyncSnapshot offline;
    offline.enrolled = true;
    offline.pendingCount = 2;
    offline.lastSuccess = m_clock.nowUtc().addSecs(-3 * 60);
    offline.lastError = QStringLiteral("no answer from the server (network error 99)");
    offline.clockSkewed = true;
    m_sync.apply(offline);
    const QModelIndex seen = m_today.index(0, 0);
    m_tasks.setRows({TaskRow{
        QStringLiteral("walkthrough-task"), seen.data(TodayModel::SessionIdRole).toString(),
        QStringLiteral("addendum_requested"),
        QStringLiteral("Please add the start and stop times to the note."),
        seen.data(TodayModel::PatientNameRole).toString(), m_clock.nowUtc().addSecs(-40 * 60)}});
    shoot(QStringLiteral("today-sync"));
    m_tasks.clear();
    m_sync.reset();

    const QModelIndex first = m_today.index(0, 0);
    m_capture.start(first.data(TodayModel::PatientIdRole).toString(),
                    first.data(TodayModel::PatientNameRole).toString());
    if (!step("start", [&] { return m_capture.phase() == SessionController::Running; })) {
        return false;
    }
    m_clock.advanceMs(38 * 60 * 1000 + 12 * 1000);
    Q_EMIT m_capture.timer()->elapsedChanged();
    shoot(QStringLiteral("capture-running"));
    shootLargest(QStringLiteral("capture-running"));

    // Session details, then the diagnosis picker searching by words.
    m_capture.details()->setModality(QStringLiteral("video"));
    m_capture.details()->setPatientLocation(QStringLiteral("home"));
    m_capture.participants()->add(QStringLiteral("Alex Rivera"), QStringLiteral("family_member"));
    DiagnosisSearchModel &search = *m_capture.diagnoses()->search();
    if (!step("code index", [&] { return search.ready(); })) {
        return false;
    }
    bool answered = false;
    auto searched = QObject::connect(&search, &DiagnosisSearchModel::resultsReady,
                                     [&answered] { answered = true; });
    setSearchText(QStringLiteral("generalized anx"));
    if (!step("search", [&] { return answered && search.rowCount() > 0; })) {
        return false;
    }
    QObject::disconnect(searched);
    shoot(QStringLiteral("capture-details"), "participantName");
    shoot(QStringLiteral("capture-diagnosis-search"), "diagnosisSearchField");
    setSearchText(QString());
    m_capture.timer()->pause();
    m_capture.timer()->resume();
    m_capture.timer()->stop();
    if (!step("stop", [&] { return !m_capture.busy(); })) {
        return false;
    }
    shoot(QStringLiteral("capture-blocked"));
    // Leaving a stopped, unsigned session asks first and says what still blocks.
    if (auto *dialog = m_window.findChild<QObject *>(QStringLiteral("leaveDialog"))) {
        QMetaObject::invokeMethod(dialog, "open");
        shoot(QStringLiteral("capture-leave"));
        QMetaObject::invokeMethod(dialog, "close");
        // Its fade-out ends before the next shot, or that shot shows it half-closed.
        if (!step("leave dialog closed",
                  [dialog] { return !dialog->property("visible").toBool(); })) {
            return false;
        }
    }
    if (!m_capture.diagnoses()->add(QStringLiteral("F41.1"))) {
        std::fprintf(stderr, "self-test: diagnosis refused\n");
        return false;
    }
    m_capture.note()->applyTemplate(QStringLiteral("SOAP"));
    // Typed into the note as a clinician would; the text area hands it to the note.
    if (auto *note = m_window.findChild<QQuickItem *>(QStringLiteral("noteArea"))) {
        const QString typed =
            m_capture.note()->text() + QStringLiteral("Fictional walkthrough note.");
        note->setProperty("text", typed);
    }
    m_capture.note()->flush();
    if (!step("ready", [&] { return m_capture.canSign(); })) {
        return false;
    }
    shoot(QStringLiteral("capture-stopped"));
    shootLargest(QStringLiteral("capture-stopped"));
    shoot(QStringLiteral("capture-note"), "noteArea");
    m_capture.sign();
    if (!step("sign", [&] { return m_capture.phase() == SessionController::Signed; })) {
        return false;
    }
    shoot(QStringLiteral("capture-signed"));
    m_capture.addenda()->add(QStringLiteral("Fictional addendum: follow-up call scheduled."));
    if (!step("addendum", [&] { return m_capture.addenda()->rowCount() == 1; })) {
        return false;
    }
    shoot(QStringLiteral("capture-addendum"));
    const QString signedId = m_capture.session() ? m_capture.session()->id.toString() : QString();
    const QString signedName = m_capture.patientName();
    m_trail.load(signedId, signedName);
    if (!step("status trail", [&] { return m_trail.rowCount() > 0; })) {
        return false;
    }
    shoot(QStringLiteral("session-status"));
    m_trail.clear();
    if (!reopen(signedId, signedName)) {
        return false;
    }
    m_window.setProperty("coverWhenInactive", true);
    shoot(QStringLiteral("privacy-cover"));
    m_window.setProperty("coverWhenInactive", false);
    m_capture.close();
    m_lock.lock();
    if (!step("lock", [&] { return m_lock.state() == LockController::Locked; })) {
        return false;
    }
    shoot(QStringLiteral("lock"));
    m_lock.unlock(QStringLiteral("not-the-passcode"));
    if (!step("wrong passcode", [&] {
            return m_lock.state() == LockController::Locked && m_lock.error().isError();
        })) {
        return false;
    }
    shoot(QStringLiteral("lock-wrong-passcode"));
    return true;
}

/// Today lists the day's sessions: a stopped draft reopens with its stored minutes, and an
/// office task opens the signed session `signedId` ready for an addendum.
bool Walkthrough::reopen(const QString &signedId, const QString &signedName)
{
    using Phase = SessionController::Phase;
    m_capture.close();
    QString patientId;
    QString patientName;
    for (int i = 0; i < m_today.rowCount(); ++i) {
        const QModelIndex row = m_today.index(i, 0);
        if (!row.data(TodayModel::SeenTodayRole).toBool()) {
            patientId = row.data(TodayModel::PatientIdRole).toString();
            patientName = row.data(TodayModel::PatientNameRole).toString();
            break;
        }
    }
    m_capture.start(patientId, patientName);
    if (!step("second start", [&] { return m_capture.phase() == Phase::Running; })) {
        return false;
    }
    m_clock.advanceMs(12 * 60 * 1000);
    m_capture.timer()->stop();
    const QString draftId = m_capture.sessionId();
    if (!step("second stop", [&] { return !m_capture.busy(); })) {
        return false;
    }
    m_capture.close();
    const auto listed = [&](const QString &id) {
        for (int i = 0; i < m_today.rowCount(); ++i) {
            if (m_today.index(i, 0).data(TodayModel::SessionIdRole) == id) {
                return true;
            }
        }
        return false;
    };
    if (!step("today lists the draft", [&] { return !m_today.loading() && listed(draftId); })) {
        return false;
    }
    shoot(QStringLiteral("today-sessions"));
    m_capture.open(draftId);
    if (!step("reopen draft", [&] {
            return m_capture.sessionId() == draftId && m_capture.phase() == Phase::Stopped
                   && m_capture.timer()->elapsedSeconds() == 12 * 60;
        })) {
        return false;
    }
    shoot(QStringLiteral("capture-reopened"));
    m_capture.close();
    m_tasks.setRows(
        {TaskRow{QStringLiteral("walkthrough-task"), signedId, QStringLiteral("addendum_requested"),
                 QStringLiteral("Please add the start and stop times to the note."), signedName,
                 m_clock.nowUtc().addSecs(-10 * 60)}});
    m_tasks.open(0); // what tapping the task does
    if (!step("task opens the signed session", [&] {
            return m_capture.sessionId() == signedId && m_capture.phase() == Phase::Signed
                   && m_capture.addendumRequested();
        })) {
        return false;
    }
    shoot(QStringLiteral("capture-addendum-requested"), "addendumText");
    m_tasks.clear();
    m_capture.close();
    return true;
}

bool Walkthrough::step(const char *name, const std::function<bool()> &done)
{
    if (waitFor(done)) {
        return true;
    }
    std::fprintf(stderr, "self-test: step '%s' timed out\n", name);
    return false;
}

/// Types into the diagnosis search field as a clinician would.
void Walkthrough::setSearchText(const QString &text)
{
    if (auto *field = m_window.findChild<QQuickItem *>(QStringLiteral("diagnosisSearchField"))) {
        field->setProperty("text", text);
    }
    m_capture.diagnoses()->search()->setQuery(text);
}

/// Scrolls the capture screen so that the item named `target` is near the top (or to the
/// top without one).
void Walkthrough::scrollTo(const char *target)
{
    auto *scroll = m_window.findChild<QQuickItem *>(QStringLiteral("captureScroll"));
    auto *flick = scroll ? scroll->property("contentItem").value<QQuickItem *>() : nullptr;
    if (flick == nullptr) {
        return;
    }
    qreal y = 0;
    if (target != nullptr) {
        if (auto *item = m_window.findChild<QQuickItem *>(QString::fromLatin1(target))) {
            auto *content = flick->property("contentItem").value<QQuickItem *>();
            y = item->mapToItem(content, QPointF(0, 0)).y() - 120;
        }
    }
    const qreal maxY = flick->property("contentHeight").toReal() - flick->height();
    flick->setProperty("contentY", qBound<qreal>(0, y, qMax<qreal>(0, maxY)));
}

/// Renders the current screen at every size and theme (only with an output directory),
/// scrolled to `target` when given.
void Walkthrough::shoot(const QString &name, const char *target)
{
    struct Size {
        const char *label;
        int width;
        int height;
    };
    static constexpr Size sizes[] = {{"phone", 390, 844}, {"tablet", 1180, 820}};
    for (const Size &size : sizes) {
        for (const bool dark : {false, true}) {
            m_window.resize(size.width, size.height);
            m_window.setProperty("dark", dark);
            waitFor([] { return true; });
            scrollTo(target);
            waitFor([] { return true; });
            const QImage image = m_window.grabWindow();
            if (!m_outDir.isEmpty()) {
                const QString file = QDir(m_outDir).filePath(
                    QStringLiteral("%1-%2-%3.png")
                        .arg(QString::fromLatin1(size.label), name,
                             dark ? QStringLiteral("dark") : QStringLiteral("light")));
                if (!image.save(file)) {
                    std::fprintf(stderr, "screenshots: could not write %s\n", qPrintable(file));
                }
            }
        }
    }
    m_window.resize(390, 844);
    m_window.setProperty("dark", false);
    scrollTo(nullptr);
}

/// shoot() at the largest text size, as "<name>-largest"; then back to the default size.
void Walkthrough::shootLargest(const QString &name, const char *target)
{
    m_textScale.setStep(TextScale::Largest);
    shoot(name + QStringLiteral("-largest"), target);
    m_textScale.setStep(TextScale::Default);
}

} // namespace sb::app
