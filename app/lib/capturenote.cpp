// SPDX-License-Identifier: Apache-2.0
#include "capturenote.h"

#include "util/clock.h"

#include <QStringList>

namespace sb::app {

CaptureNote::CaptureNote(CaptureState &state, const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_state(state)
    , m_clock(clock)
{
    m_autosave.setSingleShot(true);
    m_autosave.setInterval(autosaveMs);
    connect(&m_autosave, &QTimer::timeout, this, &CaptureNote::flush);
}

QString CaptureNote::text() const
{
    return m_state.session ? m_state.session->note : QString();
}

QString CaptureNote::templateName() const
{
    return m_state.session ? m_state.session->noteTemplate : QString();
}

QString CaptureNote::status() const
{
    if (!m_state.session) {
        return {};
    }
    if (m_dirty) {
        return tr("Not saved yet");
    }
    return m_saves > 0 ? tr("Saving…") : tr("Saved");
}

void CaptureNote::setText(const QString &text)
{
    if (!m_state.editable() || m_state.session->note == text) {
        return;
    }
    Session &session = *m_state.session;
    const bool wasEmpty = session.note.trimmed().isEmpty();
    session.note = text;
    session.updatedAt = m_clock.nowUtc();
    if (!m_dirty) {
        m_dirty = true;
        Q_EMIT statusChanged();
    }
    m_autosave.start();
    if (wasEmpty != text.trimmed().isEmpty()) {
        Q_EMIT readinessChanged();
    }
}

QString CaptureNote::templateText(const QString &name)
{
    QStringList headings;
    if (name == u"SOAP") {
        headings = {tr("Subjective"), tr("Objective"), tr("Assessment"), tr("Plan")};
    } else if (name == u"DAP") {
        headings = {tr("Data"), tr("Assessment"), tr("Plan")};
    } else if (name == u"BIRP") {
        headings = {tr("Behavior"), tr("Intervention"), tr("Response"), tr("Plan")};
    }
    QString text;
    for (const QString &heading : headings) {
        text += heading + QStringLiteral(":\n\n");
    }
    return text;
}

void CaptureNote::applyTemplate(const QString &name)
{
    const QString sections = templateText(name);
    if (!m_state.editable() || sections.isEmpty()) {
        return;
    }
    Session &session = *m_state.session;
    QString note = session.note;
    if (!note.trimmed().isEmpty()) {
        note += note.endsWith(u'\n') ? QStringLiteral("\n") : QStringLiteral("\n\n");
    }
    session.note = note + sections;
    session.noteTemplate = name;
    session.updatedAt = m_clock.nowUtc();
    m_dirty = true;
    Q_EMIT textChanged();
    flush();
    Q_EMIT readinessChanged();
}

void CaptureNote::flush()
{
    m_autosave.stop();
    if (!m_dirty || !m_state.session) {
        return;
    }
    m_dirty = false;
    Q_EMIT saveRequested();
    Q_EMIT statusChanged();
}

void CaptureNote::saveStarted()
{
    ++m_saves;
}

void CaptureNote::saveFinished(bool ok, bool sameSession)
{
    --m_saves;
    if (!ok && sameSession) {
        m_dirty = true; // "Not saved yet": the next flush tries again
    }
    Q_EMIT statusChanged();
}

void CaptureNote::reset()
{
    m_autosave.stop();
    m_dirty = false;
    Q_EMIT textChanged();
    Q_EMIT statusChanged();
}

} // namespace sb::app
