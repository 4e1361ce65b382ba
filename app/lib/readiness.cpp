// SPDX-License-Identifier: Apache-2.0
#include "readiness.h"

#include "codesets/icd10index.h"

#include <QCoreApplication>

#include <algorithm>

namespace sb::app {

namespace {

/// The strings' translation context, declared so that lupdate files them under it too.
struct Text {
    Q_DECLARE_TR_FUNCTIONS(Readiness)
};

QString withDot(const QString &code)
{
    return code.size() > 3 ? code.left(3) + u'.' + code.mid(3) : code;
}

bool hasModifier(const coding::CodingDecision &decision, const char (&code)[3])
{
    const auto wanted = coding::Modifier::literal(code);
    for (const auto &line : decision.lines) {
        if (line.modifiers.contains(wanted)) {
            return true;
        }
    }
    return false;
}

QString codingSummary(const coding::CodingDecision &decision)
{
    QStringList lines;
    for (const auto &line : decision.lines) {
        QString text = line.code.toString();
        for (const auto &modifier : line.modifiers) {
            text += u'-' + modifier.toString();
        }
        lines.append(text);
    }
    return Text::tr("POS %1 · %2").arg(decision.pos.toString(), lines.join(QStringLiteral(", ")));
}

/// Place of service and modifiers against the modality: the engine's rules may vary by payer,
/// but telehealth always means POS 02/10 (or the Medicare PHE exception, POS 11 with 95/93)
/// and audio-only always carries 93 or FQ.
QString modalityProblem(const Session &session, const coding::CodingDecision &decision)
{
    const QString pos = decision.pos.toString();
    const bool telehealthPos = pos == u"02" || pos == u"10";
    const bool audioModifier = hasModifier(decision, "93") || hasModifier(decision, "FQ");
    const bool videoModifier = hasModifier(decision, "95") || hasModifier(decision, "GT");
    switch (session.modality) {
    case Modality::InPerson:
        if (telehealthPos || audioModifier || videoModifier) {
            return Text::tr("In person, but the claim would show telehealth.");
        }
        return {};
    case Modality::Video:
        if (!telehealthPos && !videoModifier) {
            return Text::tr(
                "Video visit without telehealth place of service (02/10) or modifier 95.");
        }
        if (audioModifier) {
            return Text::tr("Video visit carries the audio-only modifier.");
        }
        return {};
    case Modality::AudioOnly:
        if (!audioModifier) {
            return Text::tr("Audio-only visit without modifier 93 (or FQ).");
        }
        if (!telehealthPos && !hasModifier(decision, "95")) {
            return Text::tr("Audio-only visit without telehealth place of service (02/10).");
        }
        return {};
    }
    return {};
}

} // namespace

QString diagnosisProblem(const Icd10Index &codes, const QString &code, const QDate &dateOfService)
{
    const Icd10Check check = codes.check(code, dateOfService);
    if (check) {
        return {};
    }
    const QString shown =
        check.error().code.isEmpty() ? Text::tr("This code") : withDot(check.error().code);
    switch (check.error().kind) {
    case Icd10Refusal::Kind::InvalidFormat:
        return Text::tr("%1 is not an ICD-10-CM code.").arg(shown);
    case Icd10Refusal::Kind::UnknownCode:
        return Text::tr("%1 is not in the ICD-10-CM code set for this date.").arg(shown);
    case Icd10Refusal::Kind::HeaderNotBillable:
        return Text::tr("%1 is a category, not billable: choose a more specific code.").arg(shown);
    case Icd10Refusal::Kind::NotValidOnDate:
        return Text::tr("%1 is not valid on this date of service.").arg(shown);
    case Icd10Refusal::Kind::NoReleaseForDate:
        return codes.isBuiltIn()
                   ? Text::tr("%1 is not in the built-in list; import the ICD-10-CM release to "
                              "use it.")
                         .arg(shown)
                   : Text::tr("No ICD-10-CM release covers this date of service.");
    }
    return Text::tr("%1 cannot be billed.").arg(shown);
}

QList<ReadinessItem> readinessItems(const ReadinessInput &input)
{
    using Level = ReadinessItem::Level;
    QList<ReadinessItem> items;
    if (input.session == nullptr) {
        return items;
    }
    const Session &session = *input.session;

    if (session.isSigned()) {
        items.append({QStringLiteral("timing"), Text::tr("Timer stopped"),
                      Text::tr("%1 min face to face").arg(input.minutes), Level::Done});
    } else if (input.timerStopped) {
        items.append({QStringLiteral("timing"), Text::tr("Timer stopped"),
                      Text::tr("%1 min face to face").arg(input.minutes), Level::Done});
    } else {
        items.append({QStringLiteral("timing"), Text::tr("Stop the timer"),
                      Text::tr("Signing needs the session's end time."), Level::Blocking});
    }

    if (session.diagnoses.isEmpty()) {
        items.append({QStringLiteral("diagnosis"), Text::tr("Add a diagnosis"),
                      Text::tr("A claim needs at least one ICD-10-CM code."), Level::Blocking});
    } else {
        QStringList problems;
        if (input.codes != nullptr) {
            for (const Diagnosis &dx : session.diagnoses) {
                const QString problem =
                    diagnosisProblem(*input.codes, dx.code, session.dateOfService);
                if (!problem.isEmpty()) {
                    problems.append(problem);
                }
            }
        }
        if (problems.isEmpty()) {
            QStringList all;
            for (const Diagnosis &dx : session.diagnoses) {
                all.append(withDot(dx.code));
            }
            items.append(
                {QStringLiteral("diagnosis"), Text::tr("Primary diagnosis %1").arg(all.first()),
                 all.size() > 1 ? Text::tr("In claim order: %1").arg(all.join(QStringLiteral(", ")))
                                : QString(),
                 Level::Done});
        } else {
            items.append({QStringLiteral("diagnosis"), Text::tr("Fix the diagnoses"),
                          problems.join(u'\n'), Level::Blocking});
        }
    }

    const coding::CodingDecision &decision = input.decision;
    QStringList refusals;
    for (const auto &refused : decision.refused) {
        if (refused.rule != nullptr) {
            refusals.append(refused.rule->reason);
        }
    }
    if (!decision.billable) {
        items.append({QStringLiteral("coding"), Text::tr("Not billable as captured"),
                      decision.rule != nullptr ? decision.rule->reason : QString(),
                      Level::Blocking});
    } else if (const QString problem = modalityProblem(session, decision); !problem.isEmpty()) {
        items.append({QStringLiteral("coding"), Text::tr("Place of service or modifier"),
                      problem + u'\n' + codingSummary(decision), Level::Blocking});
    } else if (!refusals.isEmpty()) {
        items.append({QStringLiteral("coding"), Text::tr("A code or modifier is refused"),
                      refusals.join(u'\n'), Level::Blocking});
    } else {
        items.append({QStringLiteral("coding"), Text::tr("Place of service and modifiers"),
                      codingSummary(decision), Level::Done});
    }
    for (const auto &notice : decision.warnings) {
        if (notice.rule != nullptr) {
            items.append({QStringLiteral("coding-notice"), Text::tr("Coding notice"),
                          notice.rule->reason, Level::Warning});
        }
    }

    for (const QString &message : input.caseload.messages) {
        items.append({QStringLiteral("payer"), message, QString(), Level::Warning});
    }

    if (session.note.trimmed().isEmpty()) {
        items.append({QStringLiteral("note"), Text::tr("The note is empty"),
                      Text::tr("Document the session before the claim is sent."), Level::Warning});
    } else {
        items.append({QStringLiteral("note"), Text::tr("Note written"), QString(), Level::Done});
    }

    if (session.isSigned()) {
        items.append({QStringLiteral("signature"), Text::tr("Signed"), QString(), Level::Done});
    } else {
        items.append({QStringLiteral("signature"), Text::tr("Signature pending"),
                      Text::tr("Unsigned sessions are not sent for billing."), Level::Warning});
    }
    return items;
}

int ReadinessModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

QVariant ReadinessModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const ReadinessItem &item = m_items.at(index.row());
    switch (role) {
    case KeyRole:
        return item.key;
    case Qt::DisplayRole:
    case TitleRole:
        return item.title;
    case DetailRole:
        return item.detail;
    case LevelRole:
        return int(item.level);
    default:
        return {};
    }
}

QHash<int, QByteArray> ReadinessModel::roleNames() const
{
    return {{KeyRole, "key"}, {TitleRole, "title"}, {DetailRole, "detail"}, {LevelRole, "level"}};
}

int ReadinessModel::blockingCount() const
{
    return int(std::count_if(m_items.cbegin(), m_items.cend(), [](const ReadinessItem &item) {
        return item.level == ReadinessItem::Level::Blocking;
    }));
}

int ReadinessModel::warningCount() const
{
    return int(std::count_if(m_items.cbegin(), m_items.cend(), [](const ReadinessItem &item) {
        return item.level == ReadinessItem::Level::Warning;
    }));
}

void ReadinessModel::setItems(QList<ReadinessItem> items)
{
    if (items == m_items) {
        return;
    }
    if (items.size() == m_items.size()) {
        m_items = std::move(items);
        if (!m_items.isEmpty()) {
            Q_EMIT dataChanged(index(0), index(int(m_items.size()) - 1));
        }
    } else {
        beginResetModel();
        m_items = std::move(items);
        endResetModel();
    }
    Q_EMIT itemsChanged();
}

} // namespace sb::app
