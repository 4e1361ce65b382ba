// SPDX-License-Identifier: Apache-2.0
#include "commands.h"

#include <array>

namespace sb::office {

std::span<const OfficeCommand> officeCommands()
{
    static const std::array<OfficeCommand, 13> commands{{
        {"keygen", "print a new random 256-bit store key (hex) for --key-file", runKeygen},
        {"init", "create an empty encrypted office store", runInit},
        {"demo-seed", "add a fictional demo practice to a store", runDemoSeed},
        {"show", "summarize what a store holds", runShow},
        {"verify", "check the store's integrity and its audit chain", runVerify},
        {"code", "code sessions: JSON lines on stdin, one decision per line out", runCode},
        {"scrub", "scrub claims before export: JSON lines on stdin, one result per line out",
         runScrub},
        {"codeset", "ICD-10-CM code sets: import a CMS release, list, search, check", runCodeset},
        {"serve", "run the sync server (HTTPS) over the office store", runServe},
        {"org", "organizations: create, list", runOrg},
        {"user", "users: create (clinician, biller, admin)", runUser},
        {"device", "devices: enroll-code, list, revoke", runDevice},
        {"task", "tasks for clinicians: request-addendum", runTask},
    }};
    return commands;
}

} // namespace sb::office
