// SPDX-License-Identifier: Apache-2.0
#include "caseloadwarnings.h"

#include <QCoreApplication>
#include <QLocale>

namespace sb::app {

namespace {

/// The strings' translation context, declared so that lupdate files them under it too.
struct Text {
    Q_DECLARE_TR_FUNCTIONS(CaseloadWarnings)
};

QString shortDate(const QDate &date)
{
    return QLocale().toString(date, QLocale::ShortFormat);
}

} // namespace

CaseloadWarnings caseloadWarnings(const QDate &today, const QList<Coverage> &coverages,
                                  const QList<Authorization> &authorizations,
                                  const QList<CredentialingRecord> &credentialing,
                                  const QList<Payer> &payers)
{
    CaseloadWarnings out;
    const Coverage *primary = nullptr;
    for (const auto &coverage : coverages) {
        if (coverage.effective <= today
            && (coverage.termination.isNull() || coverage.termination >= today)
            && (primary == nullptr || coverage.priority < primary->priority)) {
            primary = &coverage;
        }
    }
    if (primary == nullptr) {
        out.messages.append(Text::tr("No active coverage (self-pay?)"));
        return out;
    }
    QString payerName;
    for (const auto &payer : payers) {
        if (payer.id == primary->payerId) {
            payerName = payer.name;
        }
    }

    // Authorization for the primary payer covering today.
    const Authorization *active = nullptr;
    for (const auto &auth : authorizations) {
        if (auth.payerId == primary->payerId && auth.startDate <= today && auth.endDate >= today) {
            active = &auth;
        }
    }
    if (active != nullptr) {
        const int left = active->remaining();
        const qint64 days = today.daysTo(active->endDate);
        if (left <= 0) {
            out.messages.append(Text::tr("Authorization used up"));
            out.blocking = true;
        } else if (left <= 3 || days <= 14) {
            out.messages.append(Text::tr("Auth: %n visit(s) left, expires %1", nullptr, left)
                                    .arg(shortDate(active->endDate)));
        }
    } else if (!authorizations.isEmpty()) {
        out.messages.append(Text::tr("No authorization covers today"));
        out.blocking = true;
    }

    // Eligibility as of its check, and carve-outs.
    if (!primary->eligibility) {
        out.messages.append(Text::tr("Eligibility never checked"));
    } else {
        const auto &elig = *primary->eligibility;
        const QDate asOf = elig.checkedAt.date();
        if (!elig.active) {
            out.messages.append(Text::tr("Coverage inactive as of %1").arg(shortDate(asOf)));
            out.blocking = true;
        } else if (asOf.daysTo(today) > 30) {
            out.messages.append(Text::tr("Eligibility as of %1").arg(shortDate(asOf)));
        }
        if (elig.behavioralHealthCarvedOut) {
            out.messages.append(
                Text::tr("Mental health carved out to %1").arg(elig.carveOutPayerName));
        }
    }

    // Credentialing of this clinician with the primary payer, on this date.
    bool inNetwork = false;
    for (const auto &record : credentialing) {
        if (record.payerId == primary->payerId && record.status == CredentialingStatus::InNetwork
            && record.effectiveDate <= today
            && (record.endDate.isNull() || record.endDate >= today)) {
            inNetwork = true;
        }
    }
    if (!inNetwork) {
        out.messages.append(Text::tr("You are not in network with %1 today").arg(payerName));
        out.blocking = true;
    }
    return out;
}

} // namespace sb::app
