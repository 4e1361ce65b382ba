// SPDX-License-Identifier: Apache-2.0
#include "pushapply.h"

#include "coding/ruleset.h"
#include "recordcodec.h"
#include "server/requestdecoder.h"

#include <string>

namespace sb::fuzz {

std::unique_ptr<PushApplyHarness> PushApplyHarness::create()
{
    std::unique_ptr<PushApplyHarness> harness(new PushApplyHarness);
    if (!harness->m_store.store) {
        return nullptr;
    }
    Store &store = *harness->m_store.store;
    auto fixtures = test::Fixtures::create(store);
    auto rules = coding::RuleSet::builtin();
    if (!fixtures || !rules) {
        return nullptr;
    }
    harness->m_fixtures = *fixtures;
    harness->m_service =
        std::make_unique<sync::SyncService>(store, *rules, sync::SyncServiceConfig{});
    auto &repository = harness->m_service->repository();
    auto code = repository.issueEnrollmentCode(harness->m_fixtures.actor,
                                               harness->m_fixtures.clinician.id, 60);
    if (!code) {
        return nullptr;
    }
    auto enrollment = repository.enroll(*code, QStringLiteral("fuzz"), QStringLiteral("linux"),
                                        sync::TokenPolicy{}, false, QStringLiteral("127.0.0.1"));
    if (!enrollment || !*enrollment) {
        return nullptr;
    }
    harness->m_authorization = "Bearer " + (*enrollment)->token.toUtf8();
    return harness;
}

sync::HttpReply PushApplyHarness::push(QByteArrayView body)
{
    auto request = sync::decodePushRequest(body, sync::RequestLimits{});
    if (!request) {
        return m_service->push(m_authorization, body); // the refusal path, audited
    }
    const std::string organization = sync::toWireId(m_fixtures.organization.id);
    const std::string provider = sync::toWireId(m_fixtures.provider.id);
    const std::string patient = sync::toWireId(m_fixtures.patient.id);
    const std::string clinician = sync::toWireId(m_fixtures.clinician.id);
    for (auto &change : *request->mutable_changes()) {
        if (change.has_session()) {
            auto *session = change.mutable_session();
            session->set_organization_id(organization);
            session->set_provider_id(provider);
            session->set_patient_id(patient);
            for (auto &participant : *session->mutable_participants()) {
                if (!participant.patient_id().empty()) {
                    participant.set_patient_id(patient);
                }
            }
            if (session->has_signature()) {
                session->mutable_signature()->set_signed_by(clinician);
            }
        } else if (change.has_addendum()) {
            change.mutable_addendum()->set_author_id(clinician);
        }
    }
    std::string pinned;
    if (!request->SerializeToString(&pinned)) {
        return m_service->push(m_authorization, body);
    }
    return m_service->push(m_authorization,
                           QByteArrayView(pinned.data(), static_cast<qsizetype>(pinned.size())));
}

} // namespace sb::fuzz
