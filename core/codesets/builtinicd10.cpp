// SPDX-License-Identifier: Apache-2.0
#include "codesets/builtinicd10.h"

#include <QLatin1String>

#include <algorithm>

namespace sb {

namespace {

// Sorted by code (findBuiltInIcd10 searches it by bisection).
constexpr BuiltInIcd10Code builtIn[] = {
    {"F1010", "Alcohol abuse, uncomplicated"},
    {"F1011", "Alcohol abuse, in remission"},
    {"F1020", "Alcohol dependence, uncomplicated"},
    {"F1021", "Alcohol dependence, in remission"},
    {"F1110", "Opioid abuse, uncomplicated"},
    {"F1120", "Opioid dependence, uncomplicated"},
    {"F1121", "Opioid dependence, in remission"},
    {"F1210", "Cannabis abuse, uncomplicated"},
    {"F1220", "Cannabis dependence, uncomplicated"},
    {"F1410", "Cocaine abuse, uncomplicated"},
    {"F1420", "Cocaine dependence, uncomplicated"},
    {"F1520", "Other stimulant dependence, uncomplicated"},
    {"F17210", "Nicotine dependence, cigarettes, uncomplicated"},
    {"F200", "Paranoid schizophrenia"},
    {"F209", "Schizophrenia, unspecified"},
    {"F250", "Schizoaffective disorder, bipolar type"},
    {"F251", "Schizoaffective disorder, depressive type"},
    {"F259", "Schizoaffective disorder, unspecified"},
    {"F29", "Unspecified psychosis not due to a substance or known physiological condition"},
    {"F310", "Bipolar disorder, current episode hypomanic"},
    {"F3110", "Bipolar disorder, current episode manic without psychotic features, unspecified"},
    {"F3130",
     "Bipolar disorder, current episode depressed, mild or moderate severity, unspecified"},
    {"F3160", "Bipolar disorder, current episode mixed, unspecified"},
    {"F3181", "Bipolar II disorder"},
    {"F319", "Bipolar disorder, unspecified"},
    {"F320", "Major depressive disorder, single episode, mild"},
    {"F321", "Major depressive disorder, single episode, moderate"},
    {"F322", "Major depressive disorder, single episode, severe without psychotic features"},
    {"F323", "Major depressive disorder, single episode, severe with psychotic features"},
    {"F324", "Major depressive disorder, single episode, in partial remission"},
    {"F325", "Major depressive disorder, single episode, in full remission"},
    {"F329", "Major depressive disorder, single episode, unspecified"},
    {"F32A", "Depression, unspecified"},
    {"F330", "Major depressive disorder, recurrent, mild"},
    {"F331", "Major depressive disorder, recurrent, moderate"},
    {"F332", "Major depressive disorder, recurrent severe without psychotic features"},
    {"F333", "Major depressive disorder, recurrent, severe with psychotic symptoms"},
    {"F3341", "Major depressive disorder, recurrent, in partial remission"},
    {"F3342", "Major depressive disorder, recurrent, in full remission"},
    {"F339", "Major depressive disorder, recurrent, unspecified"},
    {"F341", "Dysthymic disorder"},
    {"F39", "Unspecified mood [affective] disorder"},
    {"F4001", "Agoraphobia with panic disorder"},
    {"F4010", "Social phobia, unspecified"},
    {"F40228", "Other natural environment type phobia"},
    {"F410", "Panic disorder [episodic paroxysmal anxiety]"},
    {"F411", "Generalized anxiety disorder"},
    {"F418", "Other specified anxiety disorders"},
    {"F419", "Anxiety disorder, unspecified"},
    {"F422", "Mixed obsessional thoughts and acts"},
    {"F429", "Obsessive-compulsive disorder, unspecified"},
    {"F430", "Acute stress reaction"},
    {"F4310", "Post-traumatic stress disorder, unspecified"},
    {"F4311", "Post-traumatic stress disorder, acute"},
    {"F4312", "Post-traumatic stress disorder, chronic"},
    {"F4320", "Adjustment disorder, unspecified"},
    {"F4321", "Adjustment disorder with depressed mood"},
    {"F4322", "Adjustment disorder with anxiety"},
    {"F4323", "Adjustment disorder with mixed anxiety and depressed mood"},
    {"F4324", "Adjustment disorder with disturbance of conduct"},
    {"F4325", "Adjustment disorder with mixed disturbance of emotions and conduct"},
    {"F4329", "Adjustment disorder with other symptoms"},
    {"F4381", "Prolonged grief disorder"},
    {"F4389", "Other reactions to severe stress"},
    {"F439", "Reaction to severe stress, unspecified"},
    {"F440", "Dissociative amnesia"},
    {"F4541", "Pain disorder exclusively related to psychological factors"},
    {"F5000", "Anorexia nervosa, unspecified"},
    {"F5101", "Primary insomnia"},
    {"F603", "Borderline personality disorder"},
    {"F609", "Personality disorder, unspecified"},
    {"F6381", "Intermittent explosive disorder"},
    {"F840", "Autistic disorder"},
    {"F900", "Attention-deficit hyperactivity disorder, predominantly inattentive type"},
    {"F901", "Attention-deficit hyperactivity disorder, predominantly hyperactive type"},
    {"F902", "Attention-deficit hyperactivity disorder, combined type"},
    {"F909", "Attention-deficit hyperactivity disorder, unspecified type"},
    {"F913", "Oppositional defiant disorder"},
    {"F930", "Separation anxiety disorder of childhood"},
    {"F980", "Enuresis not due to a substance or known physiological condition"},
    {"Z0389", "Encounter for observation for other suspected diseases and conditions ruled out"},
    {"Z1331", "Encounter for screening for depression"},
    {"Z1339",
     "Encounter for screening examination for other mental health and behavioral disorders"},
    {"Z563", "Stressful work schedule"},
    {"Z569", "Unspecified problems related to employment"},
    {"Z600", "Problems of adjustment to life-cycle transitions"},
    {"Z604", "Social exclusion and rejection"},
    {"Z62820", "Parent-biological child conflict"},
    {"Z62898", "Other specified problems related to upbringing"},
    {"Z630", "Problems in relationship with spouse or partner"},
    {"Z634", "Disappearance and death of family member"},
    {"Z635", "Disruption of family by separation and divorce"},
    {"Z638", "Other specified problems related to primary support group"},
    {"Z658", "Other specified problems related to psychosocial circumstances"},
    {"Z6981", "Encounter for mental health services for victim of other abuse"},
    {"Z7189", "Other specified counseling"},
    {"Z733", "Stress, not elsewhere classified"},
    {"Z8659", "Personal history of other mental and behavioral disorders"},
    {"Z9151", "Personal history of suicidal behavior"},
    {"Z9189", "Other specified personal risk factors, not elsewhere classified"},
};

} // namespace

std::span<const BuiltInIcd10Code> builtInIcd10Codes()
{
    return builtIn;
}

const BuiltInIcd10Code *findBuiltInIcd10(QStringView code)
{
    const auto *end = std::end(builtIn);
    const auto *it = std::lower_bound(std::begin(builtIn), end, code,
                                      [](const BuiltInIcd10Code &entry, QStringView key) {
                                          return QLatin1String(entry.code) < key;
                                      });
    return it != end && QLatin1String(it->code) == code ? it : nullptr;
}

} // namespace sb
