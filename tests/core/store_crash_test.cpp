// SPDX-License-Identifier: Apache-2.0
// Crash safety of the encrypted store (security.md fault matrix #1, the SIGKILL loop): a child
// process commits patient+session pairs in durable transactions and is killed with SIGKILL at
// a random moment, round after round on the same growing file. After the kills the store must
// open, pass integrity_check and cipher_integrity_check, hold every record the child reported
// as committed (with its content), hold no half transaction, and keep its audit chain intact.
//
// SESSIONBOOK_CRASH_ROUNDS sets the rounds (default 200), SESSIONBOOK_CRASH_SEED replays a run.
#include "store/store.h"
#include "util/clock.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <catch2/catch_test_macros.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <poll.h>
#include <random>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

using namespace sb;
using namespace std::chrono_literals;

namespace {

using SteadyClock = std::chrono::steady_clock;

std::string describe(const StoreError &error)
{
    return QString(error.kindName() + QStringLiteral(": ") + error.message).toStdString();
}

/// Same derivation as store_crash_child.cpp: the note a session id must come back with.
QString noteFor(const SessionId &id)
{
    const QByteArray bytes = id.uuid().toRfc4122();
    const int filler =
        ((static_cast<uchar>(bytes[14]) << 8) | static_cast<uchar>(bytes[15])) % 6000;
    return QStringLiteral("crash note ") + id.toString() + u' ' + QString(filler, u'n');
}

std::uint64_t envNumber(const char *name, std::uint64_t fallback)
{
    const char *value = std::getenv(name);
    if (!value || !*value) {
        return fallback;
    }
    return std::strtoull(value, nullptr, 10);
}

/// A spawned child with its stdout on a pipe.
class Child {
public:
    Child(const std::string &program, const std::vector<std::string> &args)
    {
        int fds[2];
        REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        m_fd = fds[0];
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
        std::vector<char *> argv;
        argv.push_back(const_cast<char *>(program.c_str()));
        for (const std::string &arg : args) {
            argv.push_back(const_cast<char *>(arg.c_str()));
        }
        argv.push_back(nullptr);
        const int rc =
            ::posix_spawn(&m_pid, program.c_str(), &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]); // the child holds the only write end: EOF once it is gone
        REQUIRE(rc == 0);
    }
    ~Child()
    {
        if (m_pid > 0) {
            ::kill(m_pid, SIGKILL);
            ::waitpid(m_pid, nullptr, 0);
        }
        ::close(m_fd);
    }
    Child(const Child &) = delete;
    Child &operator=(const Child &) = delete;

    /// Reads what arrives until `deadline`, EOF, or (when given) `until` appears.
    /// Returns false on EOF.
    bool pump(SteadyClock::time_point deadline, const char *until = nullptr)
    {
        for (;;) {
            if (until && m_out.contains(until)) {
                return true;
            }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - SteadyClock::now());
            if (left.count() <= 0) {
                return true;
            }
            pollfd pfd{m_fd, POLLIN, 0};
            const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
            if (ready < 0 && errno == EINTR) {
                continue;
            }
            REQUIRE(ready >= 0);
            if (ready == 0) {
                continue;
            }
            char buffer[4096];
            const ssize_t n = ::read(m_fd, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            REQUIRE(n >= 0);
            if (n == 0) {
                return false;
            }
            m_out.append(buffer, n);
        }
    }

    /// SIGKILL, reap, then read the pipe to EOF. Returns the wait status.
    int killAndDrain()
    {
        REQUIRE(::kill(m_pid, SIGKILL) == 0);
        int status = 0;
        while (::waitpid(m_pid, &status, 0) < 0) {
            REQUIRE(errno == EINTR);
        }
        m_pid = -1;
        while (pump(SteadyClock::now() + 5s)) {
        }
        return status;
    }

    [[nodiscard]] const QByteArray &output() const { return m_out; }

private:
    pid_t m_pid = -1;
    int m_fd = -1;
    QByteArray m_out;
};

struct Verified {
    std::int64_t sessions = 0;
    std::int64_t auditRows = 0;
};

/// Opens the store after the crashes and checks everything the child acknowledged.
Verified verifyStore(const QString &path, const DatabaseKey &key,
                     const QList<SessionId> &acknowledged, int rounds, std::int64_t auditBaseline)
{
    SystemClock clock;
    auto opened = Store::open(path, key, clock);
    INFO((opened ? std::string() : describe(opened.error())));
    REQUIRE(opened);
    Store &store = **opened;
    Database &db = store.database();

    auto integrity = db.checkIntegrity();
    INFO((integrity ? std::string() : describe(integrity.error())));
    REQUIRE(integrity);

    // Raw reads: the repositories' reads would append audit rows and change what we count.
    std::int64_t missing = 0;
    std::int64_t wrongContent = 0;
    for (const SessionId &id : acknowledged) {
        auto stmt = db.prepare("SELECT s.note, p.last_name FROM sessions s "
                               "JOIN patients p ON p.id = s.patient_id WHERE s.id = ?");
        REQUIRE(stmt);
        stmt->bind(1, id);
        auto row = stmt->step();
        REQUIRE(row);
        if (!*row) {
            ++missing;
            UNSCOPED_INFO("acknowledged session missing: " << id.toString().toStdString());
            continue;
        }
        if (stmt->text(0) != noteFor(id)) {
            ++wrongContent;
        }
    }
    CHECK(missing == 0);
    CHECK(wrongContent == 0);

    auto scalar = [&](std::string_view sql) {
        auto stmt = db.prepare(sql);
        REQUIRE(stmt);
        auto row = stmt->step();
        REQUIRE(row);
        REQUIRE(*row);
        return stmt->int64(0);
    };
    const std::int64_t sessions = scalar("SELECT count(*) FROM sessions");
    const std::int64_t patients = scalar("SELECT count(*) FROM patients");
    const std::int64_t timing = scalar("SELECT count(*) FROM session_timing");
    const std::int64_t diagnoses = scalar("SELECT count(*) FROM session_diagnoses");
    // Patient, session and their rows commit together or not at all.
    CHECK(patients == sessions);
    CHECK(timing == sessions);
    CHECK(diagnoses == sessions);
    // At most one commit per round can have landed without being reported (killed between
    // COMMIT returning and the write to stdout); nothing else may appear.
    CHECK(sessions >= acknowledged.size());
    CHECK(sessions - acknowledged.size() <= rounds);

    const AuditVerification audit = store.audit().verify();
    INFO("audit: " << audit.problem.toStdString() << " at seq " << audit.firstBadSeq);
    CHECK(audit.intact);
    // Two audit rows (patient, session) per committed pair, in the same transaction.
    CHECK(audit.rowsChecked == auditBaseline + 2 * sessions);
    return Verified{sessions, audit.rowsChecked};
}

} // namespace

TEST_CASE("SIGKILL during durable commits loses no acknowledged record and corrupts nothing")
{
    const std::string childProgram = std::string(SESSIONBOOK_BIN_DIR) + "/store_crash_child";
    INFO("child: " << childProgram);
    REQUIRE(QFileInfo(QString::fromStdString(childProgram)).isExecutable());

    const int rounds = static_cast<int>(envNumber("SESSIONBOOK_CRASH_ROUNDS", 200));
    const std::uint64_t seed = envNumber("SESSIONBOOK_CRASH_SEED", std::random_device{}());
    std::printf(
        "store_crash_test: seed %llu, %d rounds (replay with SESSIONBOOK_CRASH_SEED=%llu)\n",
        static_cast<unsigned long long>(seed), rounds, static_cast<unsigned long long>(seed));
    std::fflush(stdout);
    INFO("seed " << seed);
    REQUIRE(rounds > 0);

    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("crash.db"));
    const DatabaseKey key = DatabaseKey::generate();

    OrganizationId organization;
    ProviderId provider;
    std::int64_t auditBaseline = 0;
    {
        SystemClock clock;
        auto opened = Store::open(path, key, clock);
        REQUIRE(opened);
        Store &store = **opened;
        const Actor actor{UserId(store.ids().next()), DeviceId(store.ids().next())};
        Organization org;
        org.id = OrganizationId(store.ids().next());
        org.name = QStringLiteral("Crash Practice");
        REQUIRE(store.practice().save(actor, org));
        Provider clinician;
        clinician.id = ProviderId(store.ids().next());
        clinician.organizationId = org.id;
        clinician.firstName = QStringLiteral("Crash");
        clinician.lastName = QStringLiteral("Clinician");
        clinician.npi = QStringLiteral("1987654328");
        REQUIRE(store.practice().save(actor, clinician));
        organization = org.id;
        provider = clinician.id;
        auditBaseline = store.audit().count().valueOr(-1);
        REQUIRE(auditBaseline > 0);
    }

    QByteArray hex = key.toHex();
    const std::vector<std::string> args{QFile::encodeName(path).toStdString(), hex.toStdString(),
                                        organization.toString().toStdString(),
                                        provider.toString().toStdString()};
    secureWipe(hex);

    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> delayMs(5, 40);
    std::uniform_int_distribution<int> earlyMs(0, 15);
    QList<SessionId> acknowledged;
    int killedBeforeReady = 0;
    int roundsWithoutCommit = 0;
    Verified last;
    const auto started = SteadyClock::now();

    for (int round = 0; round < rounds; ++round) {
        INFO("round " << round);
        // One round in eight is killed while the child may still be opening the store (WAL
        // recovery after the previous kill); the others once it is committing.
        const bool early = rng() % 8 == 0;
        const int delay = early ? earlyMs(rng) : delayMs(rng);

        Child child(childProgram, args);
        if (!early) {
            const bool alive = child.pump(SteadyClock::now() + 10s, "ready\n");
            INFO("output: " << child.output().left(200).toStdString());
            REQUIRE(alive);
            REQUIRE(child.output().contains("ready\n"));
        }
        const bool alive = child.pump(SteadyClock::now() + std::chrono::milliseconds(delay));
        INFO("child output before the kill: " << child.output().left(200).toStdString());
        // A child that exits by itself hit an error (it prints which on stderr).
        REQUIRE(alive);
        const int status = child.killAndDrain();
        REQUIRE(WIFSIGNALED(status));
        REQUIRE(WTERMSIG(status) == SIGKILL);

        const QList<QByteArray> lines = child.output().split('\n');
        if (!child.output().contains("ready\n")) {
            ++killedBeforeReady;
        }
        int reported = 0;
        // The last element is what followed the last newline: a partial line or empty.
        for (qsizetype i = 0; i + 1 < lines.size(); ++i) {
            if (lines[i] == "ready") {
                continue;
            }
            const auto id = SessionId::fromString(QString::fromLatin1(lines[i]));
            INFO("line: " << lines[i].toStdString());
            REQUIRE(id);
            acknowledged.append(*id);
            ++reported;
        }
        if (reported == 0) {
            ++roundsWithoutCommit;
        }

        // Verify every tenth round, so that most children start on the hot WAL a killed
        // predecessor left (a clean open by the verifier checkpoints it away).
        if (round % 10 == 9 || round + 1 == rounds) {
            last = verifyStore(path, key, acknowledged, round + 1, auditBaseline);
        }
    }

    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started);
    std::printf("store_crash_test: %d rounds in %lld ms, %lld acknowledged commits, "
                "%lld in the store (%lld committed but not reported), %d killed before ready, "
                "%d rounds without a commit, %lld audit rows, %lld bytes\n",
                rounds, static_cast<long long>(elapsed.count()),
                static_cast<long long>(acknowledged.size()), static_cast<long long>(last.sessions),
                static_cast<long long>(last.sessions - acknowledged.size()), killedBeforeReady,
                roundsWithoutCommit, static_cast<long long>(last.auditRows),
                static_cast<long long>(QFileInfo(path).size()));
    std::fflush(stdout);
    // The loop must have exercised commits, not only process start-up (a commit takes a few
    // milliseconds of fsync here, and most rounds last 5-40 ms).
    CHECK(acknowledged.size() > 0);
    CHECK(last.sessions >= rounds / 4);
}
