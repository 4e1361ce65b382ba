// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "capturestate.h"

#include <QObject>
#include <QTimer>
#include <QtQmlIntegration>

namespace sb {
class Clock;
}

namespace sb::app {

/**
 * The session's note on the capture screen: typed text is saved autosaveMs after typing stops,
 * and at once by flush() (leaving the screen, locking, signing) and by a template. A save is
 * asked for with saveRequested(); SessionController stores the draft and reports back through
 * saveStarted() and saveFinished(), which drive status. The note is PHI: never logged, never
 * part of an error text. A signed session's note is read-only.
 */
class CaptureNote : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by SessionController")
    Q_PROPERTY(QString text READ text NOTIFY textChanged)
    /// The last template inserted: "SOAP", "DAP", "BIRP" or empty.
    Q_PROPERTY(QString templateName READ templateName NOTIFY textChanged)
    /// "Saved", "Saving…" or "Not saved yet" (translated), about the note only: "Saving…" while
    /// a save carrying a note change is in flight, not for timer taps or detail edits.
    Q_PROPERTY(QString status READ status NOTIFY statusChanged)
public:
    /// How long typing must pause before the note is saved.
    static constexpr int autosaveMs = 1000;

    CaptureNote(CaptureState &state, const Clock &clock, QObject *parent = nullptr);

    [[nodiscard]] QString text() const;
    [[nodiscard]] QString templateName() const;
    [[nodiscard]] QString status() const;
    /// A change not yet handed to a save.
    [[nodiscard]] bool dirty() const { return m_dirty; }

    /// The note as typed; saved autosaveMs after the last change.
    Q_INVOKABLE void setText(const QString &text);
    /// Appends the headed sections of "SOAP", "DAP" or "BIRP" and saves.
    Q_INVOKABLE void applyTemplate(const QString &name);
    /// Saves a pending change now.
    Q_INVOKABLE void flush();

    /// The headed sections a template inserts; empty for an unknown name.
    [[nodiscard]] static QString templateText(const QString &name);

    /// A save carrying the note started.
    void saveStarted();
    /// That save finished; a failure for the session still shown makes the note dirty again,
    /// so that the next flush tries again.
    void saveFinished(bool ok, bool sameSession);
    /// Another session (or none) is shown, or the note was signed: nothing is pending any
    /// more, and everything notifies.
    void reset();

Q_SIGNALS:
    void textChanged();
    void statusChanged();
    /// A note change must be stored now.
    void saveRequested();
    /// Whether the note is empty changed, or a template was applied: readiness may change.
    void readinessChanged();

private:
    CaptureState &m_state;
    const Clock &m_clock;
    QTimer m_autosave;
    int m_saves = 0;
    bool m_dirty = false;
};

} // namespace sb::app
