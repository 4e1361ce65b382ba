// SPDX-License-Identifier: Apache-2.0
// The process store_crash_test kills. It opens the store and commits, forever, one new patient
// and a session for that patient in one durable transaction; after each commit returns it
// writes the session id and "\n" to stdout in a single unbuffered write, so every id the
// parent reads is one the store acknowledged. Prints "ready" once the store is open.
//
// Usage: store_crash_child <database> <64 hex key> <organization id> <provider id>
// (the key on the command line is a throwaway test key, never a real one).
#include "store/store.h"
#include "util/clock.h"

#include <cerrno>
#include <cstdio>
#include <unistd.h>

using namespace sb;

namespace {

bool writeAll(const QByteArray &bytes)
{
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(STDOUT_FILENO, bytes.constData() + done,
                                  static_cast<size_t>(bytes.size() - done));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        done += n;
    }
    return true;
}

int fail(const char *what, const StoreError &error)
{
    // Kind and SQLite's message only: no record content.
    std::fprintf(stderr, "store_crash_child: %s failed: %s\n", what,
                 qPrintable(error.kindName() + QStringLiteral(": ") + error.message));
    return 2;
}

/// The note a session carries: derived from its id, so the parent can check the content, and
/// of varying length (up to a few pages), so records straddle page boundaries.
QString noteFor(const SessionId &id)
{
    const QByteArray bytes = id.uuid().toRfc4122();
    const int filler =
        ((static_cast<uchar>(bytes[14]) << 8) | static_cast<uchar>(bytes[15])) % 6000;
    return QStringLiteral("crash note ") + id.toString() + u' ' + QString(filler, u'n');
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 5) {
        std::fprintf(stderr, "usage: store_crash_child <database> <hex key> <organization id> "
                             "<provider id>\n");
        return 64;
    }
    const QString path = QString::fromLocal8Bit(argv[1]);
    const auto key = DatabaseKey::fromHex(QByteArrayView(argv[2]));
    const auto organization = OrganizationId::fromString(QString::fromLatin1(argv[3]));
    const auto provider = ProviderId::fromString(QString::fromLatin1(argv[4]));
    if (!key || !organization || !provider) {
        std::fprintf(stderr, "store_crash_child: bad key or id argument\n");
        return 64;
    }

    SystemClock clock;
    Database::Options options;
    options.create = false;
    auto opened = Store::open(path, *key, clock, options);
    if (!opened) {
        return fail("open", opened.error());
    }
    Store &store = **opened;
    const Actor actor{UserId(store.ids().next()), DeviceId(store.ids().next())};
    if (!writeAll("ready\n")) {
        return 3;
    }

    for (;;) {
        Patient patient;
        patient.id = PatientId(store.ids().next());
        patient.organizationId = *organization;
        patient.firstName = QStringLiteral("Crash");
        patient.lastName = patient.id.toString();
        patient.birthDate = QDate(1980, 1, 1);

        Session session;
        session.id = SessionId(store.ids().next());
        session.organizationId = *organization;
        session.patientId = patient.id;
        session.providerId = *provider;
        session.dateOfService = clock.nowUtc().date();
        session.note = noteFor(session.id);
        session.timing.append(
            TimingEvent{TimingEventKind::Start, clock.nowUtc(), clock.monotonicMs(), 1, 0});
        session.diagnoses.append(Diagnosis{QStringLiteral("F411")});
        session.updatedAt = clock.nowUtc();

        auto tx = store.database().begin();
        if (!tx) {
            return fail("begin", tx.error());
        }
        if (auto ok = store.patients().save(actor, patient); !ok) {
            return fail("save patient", ok.error());
        }
        if (auto ok = store.sessions().saveDraft(actor, session); !ok) {
            return fail("save session", ok.error());
        }
        if (auto ok = tx->commit(); !ok) {
            return fail("commit", ok.error());
        }
        if (!writeAll(session.id.toString().toLatin1() + '\n')) {
            return 3;
        }
    }
}
