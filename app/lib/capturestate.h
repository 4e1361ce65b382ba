// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "domain/session.h"

#include <QString>

#include <optional>

namespace sb::app {

/**
 * The session on the capture screen, shared by SessionController and its feature objects
 * (timer, details, participants, diagnoses, note, addenda). GUI thread only. The controller
 * replaces it (start, open, close, lock); each feature edits its own part in place and says
 * so, and the controller saves. Holds PHI: never logged, dropped on lock.
 */
struct CaptureState {
    std::optional<Session> session;
    /// "Last, First" of the session's patient (the patient participant's shown name).
    QString patientName;

    /// A session is shown and not signed yet: its draft may change.
    [[nodiscard]] bool editable() const { return session && !session->isSigned(); }
};

} // namespace sb::app
