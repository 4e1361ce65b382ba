// SPDX-License-Identifier: Apache-2.0
// Administration of the office: organizations, users and enrolled devices.
#include "commands.h"
#include "domain/enums.h"
#include "enrollmentlink.h"
#include "keyoption.h"
#include "server/officesyncrepository.h"
#include "store/store.h"
#include "util/clock.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QTextStream>

namespace sb::office {

namespace {

/// The operator at the command line: the audit rows carry no user or device.
const Actor commandLineActor{};

/// Opens an existing store from --database and the key; prints why not.
std::unique_ptr<Store> openExisting(const QCommandLineParser &parser, const Clock &clock,
                                    int &exitCode)
{
    return openOfficeStore(parser, clock, OpenMode::ExistingOnly, exitCode);
}

int fail(const StoreError &error)
{
    QTextStream(stderr) << "error: " << error.kindName() << ": " << error.message << '\n';
    return 1;
}

int usage(const char *text)
{
    QTextStream(stderr) << text;
    return 2;
}

/// Splits "sessionbook-office org" + ["create", ...] into the verb and a parser's arguments.
QStringList verbArguments(const QStringList &arguments, QString &verb)
{
    QStringList rest = arguments;
    verb = rest.size() > 1 ? rest.takeAt(1) : QString();
    if (!rest.isEmpty()) {
        rest[0] += u' ' + verb;
    }
    return rest;
}

int orgCreate(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Creates an organization; prints its id."));
    parser.addHelpOption();
    addStoreOptions(parser);
    parser.addPositionalArgument(QStringLiteral("name"), QStringLiteral("The practice's name."));
    parser.addOption(
        {QStringLiteral("npi"), QStringLiteral("Group (type 2) NPI."), QStringLiteral("npi")});
    parser.addOption(
        {QStringLiteral("tax-id"), QStringLiteral("EIN, digits only."), QStringLiteral("ein")});
    parser.addOption(
        {QStringLiteral("state"), QStringLiteral("Two-letter state."), QStringLiteral("st")});
    parser.addOption({QStringLiteral("city"), QStringLiteral("City."), QStringLiteral("city")});
    parser.process(arguments);
    if (parser.positionalArguments().size() != 1) {
        return usage("usage: sessionbook-office org create NAME --database PATH [...]\n");
    }
    SystemClock clock;
    int exitCode = 0;
    auto store = openExisting(parser, clock, exitCode);
    if (!store) {
        return exitCode;
    }
    Organization org;
    org.id = OrganizationId(store->ids().next());
    org.name = parser.positionalArguments().first();
    org.groupNpi = parser.value(QStringLiteral("npi"));
    org.taxId = parser.value(QStringLiteral("tax-id"));
    org.state = parser.value(QStringLiteral("state")).toUpper();
    org.city = parser.value(QStringLiteral("city"));
    if (auto ok = store->practice().save(commandLineActor, org); !ok) {
        return fail(ok.error());
    }
    QTextStream(stdout) << org.id.toString() << '\n';
    return 0;
}

int orgList(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Lists organizations: id and name."));
    parser.addHelpOption();
    addStoreOptions(parser);
    parser.process(arguments);
    SystemClock clock;
    int exitCode = 0;
    auto store = openExisting(parser, clock, exitCode);
    if (!store) {
        return exitCode;
    }
    auto orgs = store->practice().organizations();
    if (!orgs) {
        return fail(orgs.error());
    }
    QTextStream out(stdout);
    for (const Organization &org : *orgs) {
        out << org.id.toString() << ' ' << org.name << '\n';
    }
    return 0;
}

int userCreate(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Creates a user; prints its id."));
    parser.addHelpOption();
    addStoreOptions(parser);
    parser.addOption(
        {QStringLiteral("org"), QStringLiteral("Organization id."), QStringLiteral("id")});
    parser.addOption(
        {QStringLiteral("login"), QStringLiteral("Unique login."), QStringLiteral("login")});
    parser.addOption(
        {QStringLiteral("name"), QStringLiteral("Display name."), QStringLiteral("name")});
    parser.addOption({QStringLiteral("role"), QStringLiteral("clinician, biller or admin."),
                      QStringLiteral("role")});
    parser.addOption({QStringLiteral("provider"),
                      QStringLiteral("Provider id (required for clinicians)."),
                      QStringLiteral("id")});
    parser.process(arguments);
    const auto org = OrganizationId::fromString(parser.value(QStringLiteral("org")));
    const auto role = fromName<Role>(parser.value(QStringLiteral("role")));
    const QString login = parser.value(QStringLiteral("login")).trimmed();
    const QString name = parser.value(QStringLiteral("name")).trimmed();
    if (!org || !role || login.isEmpty() || name.isEmpty()) {
        return usage("usage: sessionbook-office user create --org ID --login L --name N "
                     "--role clinician|biller|admin [--provider ID] --database PATH\n");
    }
    std::optional<ProviderId> provider;
    if (parser.isSet(QStringLiteral("provider"))) {
        provider = ProviderId::fromString(parser.value(QStringLiteral("provider")));
        if (!provider) {
            return usage("error: --provider takes a provider id\n");
        }
    }
    if (*role == Role::Clinician && !provider) {
        return usage("error: a clinician needs --provider (the rendering provider's id)\n");
    }
    SystemClock clock;
    int exitCode = 0;
    auto store = openExisting(parser, clock, exitCode);
    if (!store) {
        return exitCode;
    }
    if (auto found = store->practice().organization(*org); !found) {
        return fail(found.error());
    }
    if (provider) {
        auto found = store->practice().provider(*provider);
        if (!found) {
            return fail(found.error());
        }
        if (found->organizationId != *org) {
            QTextStream(stderr) << "error: the provider belongs to another organization\n";
            return 1;
        }
    }
    if (store->practice().userByLogin(login)) {
        QTextStream(stderr) << "error: login " << login << " is taken\n";
        return 1;
    }
    User user;
    user.id = UserId(store->ids().next());
    user.organizationId = *org;
    user.login = login;
    user.displayName = name;
    user.role = *role;
    user.providerId = provider;
    if (auto ok = store->practice().save(commandLineActor, user); !ok) {
        return fail(ok.error());
    }
    QTextStream(stdout) << user.id.toString() << '\n';
    return 0;
}

int deviceEnrollCode(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Issues a one-time enrollment code for a user's device and prints it once. Only its "
        "hash is stored."));
    parser.addHelpOption();
    addStoreOptions(parser);
    parser.addOption(
        {QStringLiteral("user"), QStringLiteral("The user's login."), QStringLiteral("login")});
    parser.addOption({QStringLiteral("ttl-minutes"),
                      QStringLiteral("How long the code is valid (default 60)."),
                      QStringLiteral("minutes"), QStringLiteral("60")});
    parser.addOption({QStringLiteral("server"),
                      QStringLiteral("Also print the enrollment link for this sync server "
                                     "(https://HOST:PORT) on a second line."),
                      QStringLiteral("url")});
    parser.addOption({QStringLiteral("pin"),
                      QStringLiteral("With --server (required): the SHA-256 of the server's "
                                     "public key, SPKI (hex, as `serve` prints it), to pin in "
                                     "the link."),
                      QStringLiteral("hex")});
    parser.addOption({QStringLiteral("backup-pin"),
                      QStringLiteral("With --server: the SPKI SHA-256 of a spare key kept "
                                     "offline, which the device also accepts."),
                      QStringLiteral("hex")});
    parser.process(arguments);
    bool ok = false;
    const int ttl = parser.value(QStringLiteral("ttl-minutes")).toInt(&ok);
    if (!parser.isSet(QStringLiteral("user")) || !ok || ttl <= 0) {
        return usage("usage: sessionbook-office device enroll-code --user LOGIN "
                     "[--ttl-minutes N] [--server URL --pin HEX [--backup-pin HEX]] "
                     "--database PATH\n");
    }
    // Checked before a code is spent: a bad address or pin issues nothing.
    const bool withLink = parser.isSet(QStringLiteral("server"));
    if (withLink
        && !sync::EnrollmentLink::fromParts(
            parser.value(QStringLiteral("server")), QStringLiteral("check"),
            parser.value(QStringLiteral("pin")), parser.value(QStringLiteral("backup-pin")))) {
        return usage("error: --server takes https://HOST:PORT, --pin and --backup-pin 64 hex "
                     "digits (the server's public key SHA-256; --pin is required)\n");
    }
    SystemClock clock;
    int exitCode = 0;
    auto store = openExisting(parser, clock, exitCode);
    if (!store) {
        return exitCode;
    }
    auto user = store->practice().userByLogin(parser.value(QStringLiteral("user")));
    if (!user) {
        return fail(user.error());
    }
    sync::OfficeSyncRepository repo(store->database(), store->audit(), clock, store->ids());
    auto code = repo.issueEnrollmentCode(commandLineActor, user->id, ttl);
    if (!code) {
        return fail(code.error());
    }
    QTextStream(stdout) << *code << '\n';
    if (withLink) {
        const auto link = sync::EnrollmentLink::fromParts(
            parser.value(QStringLiteral("server")), *code, parser.value(QStringLiteral("pin")),
            parser.value(QStringLiteral("backup-pin")));
        if (link) {
            QTextStream(stdout) << link->toString() << '\n';
        }
    }
    return 0;
}

int deviceList(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Lists enrolled devices."));
    parser.addHelpOption();
    addStoreOptions(parser);
    parser.process(arguments);
    SystemClock clock;
    int exitCode = 0;
    auto store = openExisting(parser, clock, exitCode);
    if (!store) {
        return exitCode;
    }
    sync::OfficeSyncRepository repo(store->database(), store->audit(), clock, store->ids());
    auto devices = repo.devices();
    if (!devices) {
        return fail(devices.error());
    }
    QTextStream out(stdout);
    const auto when = [](const QDateTime &t) {
        return t.isValid() ? t.toString(Qt::ISODate) : QStringLiteral("-");
    };
    for (const sync::DeviceInfo &d : *devices) {
        const QString state = d.revokedAt.isValid()           ? QStringLiteral("revoked")
                              : d.expiresAt <= clock.nowUtc() ? QStringLiteral("expired")
                                                              : QStringLiteral("active");
        out << d.id.toString() << ' ' << d.login << ' ' << state << " enrolled "
            << when(d.enrolledAt) << " expires " << when(d.expiresAt) << " seen "
            << when(d.lastSeenAt) << " from "
            << (d.lastPeer.isEmpty() ? QStringLiteral("-") : d.lastPeer) << " name \"" << d.name
            << "\" platform \"" << d.platform << "\"\n";
    }
    return 0;
}

int deviceRevoke(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Revokes a device: its token is refused (401) from now on; the device keeps its "
        "unsynced outbox."));
    parser.addHelpOption();
    addStoreOptions(parser);
    parser.addPositionalArgument(QStringLiteral("id"), QStringLiteral("The device id."));
    parser.process(arguments);
    const auto id = parser.positionalArguments().size() == 1
                        ? DeviceId::fromString(parser.positionalArguments().first())
                        : std::nullopt;
    if (!id) {
        return usage("usage: sessionbook-office device revoke ID --database PATH\n");
    }
    SystemClock clock;
    int exitCode = 0;
    auto store = openExisting(parser, clock, exitCode);
    if (!store) {
        return exitCode;
    }
    sync::OfficeSyncRepository repo(store->database(), store->audit(), clock, store->ids());
    if (auto ok = repo.revokeDevice(commandLineActor, *id); !ok) {
        return fail(ok.error());
    }
    QTextStream(stdout) << "revoked " << id->toString() << '\n';
    return 0;
}

int taskRequestAddendum(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Asks the session's clinician for an addendum: a task their device receives on its "
        "next sync, done when a signed addendum arrives. The message is shown to the "
        "clinician; keep PHI out of it (say what is missing, not about whom)."));
    parser.addHelpOption();
    addStoreOptions(parser);
    parser.addOption({QStringLiteral("message"), QStringLiteral("What the addendum must add."),
                      QStringLiteral("text")});
    parser.addPositionalArgument(QStringLiteral("session"), QStringLiteral("The session id."));
    parser.process(arguments);
    const auto session = parser.positionalArguments().size() == 1
                             ? SessionId::fromString(parser.positionalArguments().first())
                             : std::nullopt;
    const QString message = parser.value(QStringLiteral("message")).trimmed();
    if (!session || message.isEmpty() || message.size() > 500) {
        return usage("usage: sessionbook-office task request-addendum SESSION-ID "
                     "--message TEXT (1-500 characters) --database PATH\n");
    }
    SystemClock clock;
    int exitCode = 0;
    auto store = openExisting(parser, clock, exitCode);
    if (!store) {
        return exitCode;
    }
    sync::OfficeSyncRepository repo(store->database(), store->audit(), clock, store->ids());
    auto task = repo.requestAddendum(commandLineActor, *session, message);
    if (!task) {
        return fail(task.error());
    }
    QTextStream(stdout) << "task " << task->id.toString(QUuid::WithoutBraces) << '\n';
    return 0;
}

} // namespace

int runTask(const QStringList &arguments)
{
    QString verb;
    const QStringList rest = verbArguments(arguments, verb);
    if (verb == u"request-addendum") {
        return taskRequestAddendum(rest);
    }
    return usage("usage: sessionbook-office task request-addendum ...\n");
}

int runOrg(const QStringList &arguments)
{
    QString verb;
    const QStringList rest = verbArguments(arguments, verb);
    if (verb == u"create") {
        return orgCreate(rest);
    }
    if (verb == u"list") {
        return orgList(rest);
    }
    return usage("usage: sessionbook-office org create|list ...\n");
}

int runUser(const QStringList &arguments)
{
    QString verb;
    const QStringList rest = verbArguments(arguments, verb);
    if (verb == u"create") {
        return userCreate(rest);
    }
    return usage("usage: sessionbook-office user create ...\n");
}

int runDevice(const QStringList &arguments)
{
    QString verb;
    const QStringList rest = verbArguments(arguments, verb);
    if (verb == u"enroll-code") {
        return deviceEnrollCode(rest);
    }
    if (verb == u"list") {
        return deviceList(rest);
    }
    if (verb == u"revoke") {
        return deviceRevoke(rest);
    }
    return usage("usage: sessionbook-office device enroll-code|list|revoke ...\n");
}

} // namespace sb::office
