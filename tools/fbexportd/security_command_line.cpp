#include "security_command_line.hpp"

#include <string>

#include "command_line.hpp"

namespace fbx::cli {
namespace {

enum Id : int {
    max_clients = SecurityCommandLine::first_option_id,
    auth_failures,
    auth_block,
    http_cert,
    http_key,
};

constexpr std::uint64_t max_seconds = 24 * 3600;

}  // namespace

std::vector<option> SecurityCommandLine::options() {
    return {
        {"vnc-max-clients", required_argument, nullptr, max_clients},
        {"vnc-auth-failures", required_argument, nullptr, auth_failures},
        {"vnc-auth-block", required_argument, nullptr, auth_block},
        {"http-cert", required_argument, nullptr, http_cert},
        {"http-key", required_argument, nullptr, http_key},
    };
}

std::string_view SecurityCommandLine::help() {
    return "Limits and encryption of the network side:\n"
           "  --vnc-max-clients N       viewers at once, VNC and browser (default 16); one\n"
           "                            more is refused with RFB's 'too many clients'\n"
           "  --vnc-auth-failures N/SECONDS\n"
           "                            after N failed VNC authentications from one address\n"
           "                            within SECONDS (default 5/60), refuse that address\n"
           "                            for --vnc-auth-block; 0 turns this off\n"
           "  --vnc-auth-block SECONDS  how long such an address is refused (default 60)\n"
           "  --http-cert FILE          serve --http over HTTPS (and the desktop over wss)\n"
           "                            with this PEM certificate (chain), e.g. from your CA\n"
           "                            or 'openssl req -x509 -newkey ec -pkeyopt\n"
           "                            ec_paramgen_curve:P-256 -nodes -subj /CN=HOST\n"
           "                            -keyout key.pem -out cert.pem'\n"
           "  --http-key FILE           the certificate's private key (PEM); readable by the\n"
           "                            service's user only\n";
}

bool SecurityCommandLine::take(int id, const char* value) {
    switch (id) {
        case max_clients:
            max_clients_ =
                static_cast<std::uint32_t>(parse_unsigned("--vnc-max-clients", value, 4096));
            if (*max_clients_ == 0) {
                throw UsageError("--vnc-max-clients: must be 1 to 4096");
            }
            return true;
        case auth_failures: {
            const std::string_view text(value);
            const auto slash = text.find('/');
            if (slash == std::string_view::npos) {
                throw UsageError("--vnc-auth-failures: give N/SECONDS, e.g. 5/60, not '" +
                                 std::string(text) + "'");
            }
            auth_failure_limit_ = static_cast<std::uint32_t>(
                parse_unsigned("--vnc-auth-failures", text.substr(0, slash), 1000));
            auth_failure_window_ = std::chrono::seconds(
                parse_unsigned("--vnc-auth-failures", text.substr(slash + 1), max_seconds));
            if (*auth_failure_limit_ != 0 && auth_failure_window_->count() == 0) {
                throw UsageError("--vnc-auth-failures: SECONDS must be at least 1");
            }
            return true;
        }
        case auth_block:
            auth_block_ =
                std::chrono::seconds(parse_unsigned("--vnc-auth-block", value, max_seconds));
            return true;
        case http_cert:
            cert_file_ = value;
            return true;
        case http_key:
            key_file_ = value;
            return true;
        default:
            return false;
    }
}

void SecurityCommandLine::validate() const {
    if (cert_file_ && !key_file_) {
        throw UsageError("--http-cert: give the private key with --http-key");
    }
    if (key_file_ && !cert_file_) {
        throw UsageError("--http-key: give the certificate with --http-cert");
    }
}

void SecurityCommandLine::apply(NetworkPolicy& network) const {
    if (max_clients_) {
        network.vnc_max_clients = *max_clients_;
    }
    if (auth_failure_limit_) {
        network.vnc_auth_failure_limit = *auth_failure_limit_;
        network.vnc_auth_failure_window = *auth_failure_window_;
    }
    if (auth_block_) {
        network.vnc_auth_block = *auth_block_;
    }
    if (cert_file_ && key_file_) {
        network.https = WebTls{*cert_file_, *key_file_};
    }
}

}  // namespace fbx::cli
