#pragma once

#include <gnutls/gnutls.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace fbx {

// A certificate and its private key, loaded once (PEM files), for every
// TLS connection of a server.
class TlsCredentials {
public:
    // Throws fbx::Error naming the files and GnuTLS's reason.
    TlsCredentials(const std::string& cert_file, const std::string& key_file);
    TlsCredentials(const TlsCredentials&) = delete;
    TlsCredentials& operator=(const TlsCredentials&) = delete;
    ~TlsCredentials();

    gnutls_certificate_credentials_t get() const { return credentials_; }

private:
    gnutls_certificate_credentials_t credentials_ = nullptr;
};

// The server side of one TLS connection on a non-blocking socket it does
// not own. Every wait also watches `stop_fd` (readable: give up at once),
// so a server that closes never waits for a slow peer.
class TlsSession {
public:
    using Deadline = std::chrono::steady_clock::time_point;

    TlsSession(const TlsCredentials& credentials, int socket, int stop_fd);
    TlsSession(const TlsSession&) = delete;
    TlsSession& operator=(const TlsSession&) = delete;
    ~TlsSession();  // says goodbye (close_notify) without waiting

    // False (and `error` says why) when the peer did not complete the
    // handshake by `deadline`.
    bool handshake(Deadline deadline, std::string& error);
    // Decrypted bytes, waiting until `deadline` for some; 0 when the peer
    // closed, -1 on an error, a stop or the deadline.
    long receive(char* buffer, std::size_t size, Deadline deadline);
    // Bytes still decrypted inside the session: read them before polling.
    bool pending() const;
    // False on an error, a stop or the deadline.
    bool send_all(std::string_view data, Deadline deadline = Deadline::max());

private:
    // Waits until the socket can go on in the direction GnuTLS wants.
    bool wait(Deadline deadline) const;

    gnutls_session_t session_ = nullptr;
    int socket_;
    int stop_fd_;
};

}  // namespace fbx
