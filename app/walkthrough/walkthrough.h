// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

#include <functional>

class QQuickWindow;

namespace sb {
class ManualClock;
}

namespace sb::app {

class ClinicianApp;
class EnrollmentController;
class LockController;
class SessionController;
class SessionTrailModel;
class SyncStatus;
class TaskModel;
class TextScale;
class TodayModel;

/**
 * The scripted walk through every page of sessionbook-walkthrough (the self-test, and
 * --screenshots): first run, unlock, Today, a 38-minute capture (on the manual clock) with details,
 * a diagnosis search, a blocked then ready checklist, the note, sign, an addendum, a second session
 * stopped as a draft and reopened from Today, the signed one reopened from an office task asking
 * for an addendum, lock. Today, the running timer and the stopped session are also shown at the
 * largest text size ("-largest" shots). Drives the controllers directly; QML reacts as it
 * would to taps.
 */
class Walkthrough {
public:
    /// Over `app`, loaded, whose store is new and whose clock is `clock`; PNGs go to `outDir`
    /// (none when empty).
    Walkthrough(ClinicianApp &app, QQuickWindow &window, ManualClock &clock, QString outDir);

    /// Walks every page; false (with the step's name on stderr) when a step timed out.
    bool run();

private:
    bool reopen(const QString &signedId, const QString &signedName);
    bool step(const char *name, const std::function<bool()> &done);
    void setSearchText(const QString &text);
    void scrollTo(const char *target);
    void shoot(const QString &name, const char *target = nullptr);
    void shootLargest(const QString &name, const char *target = nullptr);

    QQuickWindow &m_window;
    ManualClock &m_clock;
    LockController &m_lock;
    EnrollmentController &m_enrollment;
    TodayModel &m_today;
    SessionController &m_capture;
    SessionTrailModel &m_trail;
    SyncStatus &m_sync;
    TaskModel &m_tasks;
    TextScale &m_textScale;
    QString m_outDir;
};

} // namespace sb::app
