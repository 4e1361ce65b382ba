// SPDX-License-Identifier: Apache-2.0
// Store administration: keygen, init, demo-seed, show, verify.
#include "commands.h"
#include "demopractice.h"
#include "domain/enums.h"
#include "keyoption.h"
#include "store/schema.h"
#include "store/store.h"
#include "util/clock.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QTextStream>

namespace sb::office {

namespace {

/// The operator at the office command line: no user or device id; the audit row says so by
/// carrying neither.
const Actor commandLineActor{};

struct OpenedStore {
    std::unique_ptr<Store> store;
    int exitCode = 0;
};

/// Parses the arguments and opens the store; on failure the reason is printed.
OpenedStore openFromArguments(QCommandLineParser &parser, const QStringList &arguments,
                              const Clock &clock, bool create)
{
    parser.process(arguments);
    OpenedStore opened;
    opened.store = openOfficeStore(
        parser, clock, create ? OpenMode::CreateOnly : OpenMode::ExistingOnly, opened.exitCode);
    return opened;
}

} // namespace

int runKeygen(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Prints a new random 256-bit store key as 64 hex digits. Keep it in a file readable "
        "only by the office service (chmod 600) and pass it with --key-file."));
    parser.addHelpOption();
    parser.process(arguments);
    QByteArray hex = DatabaseKey::generate().toHex();
    QTextStream(stdout) << hex << '\n';
    secureWipe(hex);
    return 0;
}

int runInit(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Creates an empty encrypted office store."));
    parser.addHelpOption();
    addStoreOptions(parser);
    SystemClock clock;
    auto opened = openFromArguments(parser, arguments, clock, true);
    if (!opened.store) {
        return opened.exitCode;
    }
    Database &db = opened.store->database();
    QTextStream(stdout) << "created an encrypted store (schema: core " << db.moduleVersion("core")
                        << ", office_sync " << db.moduleVersion("office_sync") << ")\n";
    return 0;
}

int runDemoSeed(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Adds a fictional demo practice (all names and numbers invented) to a "
                       "store, creating the store when it does not exist."));
    parser.addHelpOption();
    addStoreOptions(parser);
    parser.process(arguments);
    SystemClock clock;
    const bool create = !QFileInfo::exists(parser.value(QStringLiteral("database")));
    auto opened = openFromArguments(parser, arguments, clock, create);
    if (!opened.store) {
        return opened.exitCode;
    }
    if (auto ok = demo::seedDemoPractice(*opened.store, commandLineActor); !ok) {
        QTextStream(stderr) << "error: " << describeStoreError(ok.error()) << '\n';
        return 1;
    }
    QTextStream(stdout) << "seeded the demo practice\n";
    return 0;
}

int runShow(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Prints what a store holds: organizations, providers, payers, patients with their "
        "coverage, authorizations and sessions. Reading patients is audited."));
    parser.addHelpOption();
    addStoreOptions(parser);
    SystemClock clock;
    auto opened = openFromArguments(parser, arguments, clock, false);
    if (!opened.store) {
        return opened.exitCode;
    }
    Store &store = *opened.store;
    QTextStream out(stdout);
    QTextStream err(stderr);
    auto fail = [&err](const StoreError &error) {
        err << "error: " << describeStoreError(error) << '\n';
        return 1;
    };

    out << "store: " << store.database().path() << " (schema: core "
        << store.database().moduleVersion("core") << ", office_sync "
        << store.database().moduleVersion("office_sync") << "; SQLCipher)\n";
    auto payers = store.practice().payers();
    if (!payers) {
        return fail(payers.error());
    }
    QHash<PayerId, QString> payerNames;
    for (const Payer &payer : *payers) {
        payerNames.insert(payer.id, payer.name);
    }
    auto organizations = store.practice().organizations();
    if (!organizations) {
        return fail(organizations.error());
    }
    for (const Organization &org : *organizations) {
        out << "\norganization: " << org.name << " (NPI " << org.groupNpi << ", " << org.city << ' '
            << org.state << ")\n";
        auto providers = store.practice().providers(org.id);
        if (!providers) {
            return fail(providers.error());
        }
        out << "  providers:\n";
        for (const Provider &p : *providers) {
            out << "    " << p.firstName << ' ' << p.lastName << ", " << toName(p.credential)
                << ", NPI " << p.npi << '\n';
            auto credentialing = store.practice().credentialingFor(p.id);
            if (!credentialing) {
                return fail(credentialing.error());
            }
            for (const CredentialingRecord &c : *credentialing) {
                out << "      " << payerNames.value(c.payerId) << ": " << toName(c.status)
                    << ", CAQH attested " << c.caqhAttestedOn.toString(Qt::ISODate)
                    << ", license expires " << c.licenseExpiresOn.toString(Qt::ISODate) << '\n';
            }
        }
        auto patients = store.patients().patients(commandLineActor, org.id);
        if (!patients) {
            return fail(patients.error());
        }
        out << "  patients:\n";
        for (const Patient &patient : *patients) {
            out << "    " << patient.lastName << ", " << patient.firstName << " (born "
                << patient.birthDate.toString(Qt::ISODate) << ")\n";
            auto coverages = store.patients().coverages(commandLineActor, patient.id);
            if (!coverages) {
                return fail(coverages.error());
            }
            for (const Coverage &c : *coverages) {
                out << "      coverage: " << payerNames.value(c.payerId) << ", member "
                    << c.memberId;
                if (c.eligibility) {
                    out << ", eligibility " << (c.eligibility->active ? "active" : "inactive")
                        << " as of " << c.eligibility->checkedAt.date().toString(Qt::ISODate);
                    if (c.eligibility->behavioralHealthCarvedOut) {
                        out << ", behavioral health carved out to "
                            << c.eligibility->carveOutPayerName;
                    }
                }
                out << '\n';
            }
            auto authorizations = store.patients().authorizations(commandLineActor, patient.id);
            if (!authorizations) {
                return fail(authorizations.error());
            }
            for (const Authorization &a : *authorizations) {
                out << "      authorization " << a.number << ": " << a.used << " of "
                    << a.authorized << ' ' << toName(a.unit) << " used, "
                    << a.startDate.toString(Qt::ISODate) << " to "
                    << a.endDate.toString(Qt::ISODate) << '\n';
            }
            auto sessions = store.sessions().sessionsForPatient(commandLineActor, patient.id);
            if (!sessions) {
                return fail(sessions.error());
            }
            for (const Session &s : *sessions) {
                out << "      session " << s.dateOfService.toString(Qt::ISODate) << ' '
                    << toName(s.service) << ", " << toName(s.modality) << ", "
                    << s.elapsedMs() / 60'000 << " min, " << (s.isSigned() ? "signed" : "draft")
                    << ", status "
                    << (s.statusTrail.isEmpty() ? QString() : toName(s.statusTrail.last().status))
                    << '\n';
            }
        }
    }
    auto rows = store.audit().count();
    out << "\naudit log: " << (rows ? *rows : -1) << " rows\n";
    return 0;
}

int runVerify(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Checks the store: SQLite and SQLCipher page integrity, then the audit hash chain. "
        "Exit code 0 when both are intact, 4 when something is wrong."));
    parser.addHelpOption();
    addStoreOptions(parser);
    SystemClock clock;
    auto opened = openFromArguments(parser, arguments, clock, false);
    if (!opened.store) {
        return opened.exitCode;
    }
    QTextStream out(stdout);
    if (auto ok = opened.store->database().checkIntegrity(); !ok) {
        out << "integrity: FAILED (" << ok.error().message << ")\n";
        return 4;
    }
    out << "integrity: ok\n";
    const AuditVerification audit = opened.store->audit().verify();
    if (!audit.intact) {
        out << "audit chain: BROKEN at row " << audit.firstBadSeq << ": " << audit.problem << '\n';
        return 4;
    }
    out << "audit chain: intact (" << audit.rowsChecked << " rows)\n";
    return 0;
}

} // namespace sb::office
