// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <random>

namespace sb::sync {

/// A source of uniform randomness, injected so that retry schedules replay from a seed.
class RandomSource {
public:
    virtual ~RandomSource() = default;
    /// Uniform in [0, 1).
    virtual double uniform() = 0;
};

/// A seeded Mersenne Twister: deterministic schedules for tests and simulations.
class SeededRandom final : public RandomSource {
public:
    explicit SeededRandom(std::uint64_t seed)
        : m_engine(seed)
    {
    }
    double uniform() override { return m_distribution(m_engine); }

private:
    std::mt19937_64 m_engine;
    std::uniform_real_distribution<double> m_distribution{0.0, 1.0};
};

/// Seeded once from std::random_device: what production code injects.
class SystemRandom final : public RandomSource {
public:
    SystemRandom()
        : m_engine(std::random_device{}())
    {
    }
    double uniform() override { return m_distribution(m_engine); }

private:
    std::mt19937_64 m_engine;
    std::uniform_real_distribution<double> m_distribution{0.0, 1.0};
};

/**
 * Exponential backoff with full jitter: the n-th retry waits a uniform time in
 * [0, min(cap, base * 2^n)). Jitter spreads the retries of many devices after an outage
 * instead of having them return in lockstep.
 */
class Backoff {
public:
    Backoff(RandomSource &random, std::int64_t baseMs, std::int64_t capMs)
        : m_random(random)
        , m_baseMs(baseMs)
        , m_capMs(capMs)
    {
    }
    /// The delay before the next retry; each call counts one more failure.
    std::int64_t nextDelayMs()
    {
        const int exponent = m_failures < 30 ? m_failures : 30;
        ++m_failures;
        const std::int64_t ceiling =
            m_baseMs > (m_capMs >> exponent) ? m_capMs : m_baseMs << exponent;
        return static_cast<std::int64_t>(m_random.uniform() * static_cast<double>(ceiling));
    }
    void reset() { m_failures = 0; }
    [[nodiscard]] int failures() const { return m_failures; }

private:
    RandomSource &m_random;
    std::int64_t m_baseMs;
    std::int64_t m_capMs;
    int m_failures = 0;
};

} // namespace sb::sync
