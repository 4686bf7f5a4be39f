#include "tls_session.hpp"

#include <poll.h>

#include <algorithm>

#include "fbexport/error.hpp"

namespace fbx {

TlsCredentials::TlsCredentials(const std::string& cert_file, const std::string& key_file) {
    int ret = gnutls_certificate_allocate_credentials(&credentials_);
    if (ret == GNUTLS_E_SUCCESS) {
        ret = gnutls_certificate_set_x509_key_file(credentials_, cert_file.c_str(),
                                                   key_file.c_str(), GNUTLS_X509_FMT_PEM);
    }
    if (ret < 0) {
        const std::string reason = gnutls_strerror(ret);
        if (credentials_ != nullptr) {
            gnutls_certificate_free_credentials(credentials_);
        }
        throw Error("cannot use the certificate " + cert_file + " with the key " + key_file +
                    " (PEM files): " + reason);
    }
}

TlsCredentials::~TlsCredentials() {
    gnutls_certificate_free_credentials(credentials_);
}

TlsSession::TlsSession(const TlsCredentials& credentials, int socket, int stop_fd)
    : socket_(socket), stop_fd_(stop_fd) {
    int ret = gnutls_init(&session_, GNUTLS_SERVER | GNUTLS_NONBLOCK);
    if (ret == GNUTLS_E_SUCCESS) {
        ret = gnutls_set_default_priority(session_);
    }
    if (ret == GNUTLS_E_SUCCESS) {
        ret = gnutls_credentials_set(session_, GNUTLS_CRD_CERTIFICATE, credentials.get());
    }
    if (ret != GNUTLS_E_SUCCESS) {
        const std::string reason = gnutls_strerror(ret);
        if (session_ != nullptr) {
            gnutls_deinit(session_);
        }
        throw Error("cannot start a TLS session: " + reason);
    }
    gnutls_transport_set_int(session_, socket_);
}

TlsSession::~TlsSession() {
    // One try: a peer that reads nothing must not hold the thread.
    gnutls_bye(session_, GNUTLS_SHUT_WR);
    gnutls_deinit(session_);
}

bool TlsSession::wait(Deadline deadline) const {
    const short events = gnutls_record_get_direction(session_) == 0 ? POLLIN : POLLOUT;
    for (;;) {
        int timeout_ms = -1;
        if (deadline != Deadline::max()) {
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                return false;
            }
            timeout_ms = static_cast<int>(std::min<long long>(left.count(), 60'000));
        }
        pollfd fds[] = {{socket_, events, 0}, {stop_fd_, POLLIN, 0}};
        const int n = ::poll(fds, 2, timeout_ms);
        if (n < 0 && errno != EINTR) {
            return false;
        }
        if (fds[1].revents != 0) {
            return false;
        }
        if (fds[0].revents != 0) {
            return true;
        }
    }
}

bool TlsSession::handshake(Deadline deadline, std::string& error) {
    for (;;) {
        const int ret = gnutls_handshake(session_);
        if (ret == GNUTLS_E_SUCCESS) {
            return true;
        }
        if (gnutls_error_is_fatal(ret) != 0) {
            error = gnutls_strerror(ret);
            return false;
        }
        if (!wait(deadline)) {
            error = "no handshake in time";
            return false;
        }
    }
}

long TlsSession::receive(char* buffer, std::size_t size, Deadline deadline) {
    for (;;) {
        const ssize_t n = gnutls_record_recv(session_, buffer, size);
        if (n >= 0) {
            return static_cast<long>(n);
        }
        if (n != GNUTLS_E_AGAIN && n != GNUTLS_E_INTERRUPTED) {
            return -1;
        }
        if (!wait(deadline)) {
            return -1;
        }
    }
}

bool TlsSession::pending() const {
    return gnutls_record_check_pending(session_) > 0;
}

bool TlsSession::send_all(std::string_view data, Deadline deadline) {
    while (!data.empty()) {
        const ssize_t n = gnutls_record_send(session_, data.data(), data.size());
        if (n > 0) {
            data.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        if (n != GNUTLS_E_AGAIN && n != GNUTLS_E_INTERRUPTED) {
            return false;
        }
        // GnuTLS wants the same call again once the socket takes more.
        if (!wait(deadline)) {
            return false;
        }
    }
    return true;
}

}  // namespace fbx
