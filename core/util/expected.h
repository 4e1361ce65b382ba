// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdio>
#include <cstdlib>
#include <type_traits>
#include <utility>
#include <variant>

namespace sb {

namespace detail {
/// Reading the value of a failed result (or the error of a good one) is a programming error.
/// It stops the process with a message in every build type: an assert vanishes in release,
/// and std::get would throw, which no caller is prepared for (see docs/errors.md).
[[noreturn]] inline void expectedMisuse(const char *what)
{
    std::fprintf(stderr, "sessionbook: fatal: %s\n", what);
    std::fflush(stderr);
    std::abort();
}
} // namespace detail

/// Wraps an error value so that Expected<T, E> can be built from it unambiguously.
template<typename E> struct Unexpected {
    E error;
};

template<typename E> Unexpected<std::decay_t<E>> unexpected(E &&error)
{
    return {std::forward<E>(error)};
}

/**
 * The result of an operation that can fail with a typed error: either a value or an error.
 * C++20 has no std::expected; core and sync return this instead of throwing, so that no
 * exception can cross into Qt slots or QML.
 */
template<typename T, typename E> class [[nodiscard]] Expected {
public:
    Expected(T value)
        : m_state(std::in_place_index<0>, std::move(value))
    {
    }
    template<typename G>
    Expected(Unexpected<G> error)
        : m_state(std::in_place_index<1>, E(std::move(error.error)))
    {
    }

    [[nodiscard]] bool hasValue() const { return m_state.index() == 0; }
    explicit operator bool() const { return hasValue(); }

    T &value() &
    {
        if (!hasValue())
            detail::expectedMisuse("Expected::value() called on an error");
        return std::get<0>(m_state);
    }
    const T &value() const &
    {
        if (!hasValue())
            detail::expectedMisuse("Expected::value() called on an error");
        return std::get<0>(m_state);
    }
    T &&value() &&
    {
        if (!hasValue())
            detail::expectedMisuse("Expected::value() called on an error");
        return std::get<0>(std::move(m_state));
    }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const E &error() const
    {
        if (hasValue())
            detail::expectedMisuse("Expected::error() called on a value");
        return std::get<1>(m_state);
    }

    template<typename U> T valueOr(U &&fallback) const
    {
        return hasValue() ? value() : static_cast<T>(std::forward<U>(fallback));
    }

private:
    std::variant<T, E> m_state;
};

/// Expected<void, E>: success carries no value.
template<typename E> class [[nodiscard]] Expected<void, E> {
public:
    Expected() = default;
    template<typename G>
    Expected(Unexpected<G> error)
        : m_error(E(std::move(error.error)))
        , m_failed(true)
    {
    }

    [[nodiscard]] bool hasValue() const { return !m_failed; }
    explicit operator bool() const { return hasValue(); }
    const E &error() const
    {
        if (!m_failed)
            detail::expectedMisuse("Expected::error() called on a value");
        return m_error;
    }

private:
    E m_error{};
    bool m_failed = false;
};

} // namespace sb
