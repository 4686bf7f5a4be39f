#include "security_command_line.hpp"

#include <gtest/gtest.h>

#include "command_line.hpp"

namespace fbx::cli {
namespace {

int id_of(const char* name) {
    for (const option& o : SecurityCommandLine::options()) {
        if (std::string_view(o.name) == name) {
            return o.val;
        }
    }
    ADD_FAILURE() << "no option " << name;
    return -1;
}

TEST(SecurityCommandLine, NothingGivenKeepsThePolicy) {
    SecurityCommandLine security;
    security.validate();
    NetworkPolicy network;
    network.vnc_max_clients = 3;  // as a configuration file may say
    security.apply(network);
    NetworkPolicy expected;
    expected.vnc_max_clients = 3;
    EXPECT_EQ(network, expected);
}

TEST(SecurityCommandLine, TakesEveryOption) {
    SecurityCommandLine security;
    EXPECT_TRUE(security.take(id_of("vnc-max-clients"), "3"));
    EXPECT_TRUE(security.take(id_of("vnc-auth-failures"), "7/120"));
    EXPECT_TRUE(security.take(id_of("vnc-auth-block"), "300"));
    EXPECT_TRUE(security.take(id_of("http-cert"), "/etc/fbexport/cert.pem"));
    EXPECT_TRUE(security.take(id_of("http-key"), "/etc/fbexport/key.pem"));
    EXPECT_FALSE(security.take(1, "x")) << "not one of its options";
    security.validate();
    NetworkPolicy network;
    security.apply(network);
    EXPECT_EQ(network.vnc_max_clients, 3u);
    EXPECT_EQ(network.vnc_auth_failure_limit, 7u);
    EXPECT_EQ(network.vnc_auth_failure_window, std::chrono::seconds{120});
    EXPECT_EQ(network.vnc_auth_block, std::chrono::seconds{300});
    ASSERT_TRUE(network.https);
    EXPECT_EQ(*network.https, (WebTls{"/etc/fbexport/cert.pem", "/etc/fbexport/key.pem"}));
}

TEST(SecurityCommandLine, OneOptionOverridesOnlyItsOwnSetting) {
    SecurityCommandLine security;
    EXPECT_TRUE(security.take(id_of("vnc-auth-block"), "5"));
    NetworkPolicy network;
    network.vnc_max_clients = 2;
    network.https = WebTls{"c.pem", "k.pem"};
    security.apply(network);
    EXPECT_EQ(network.vnc_auth_block, std::chrono::seconds{5});
    EXPECT_EQ(network.vnc_max_clients, 2u);
    EXPECT_EQ(network.https, (WebTls{"c.pem", "k.pem"}));
}

TEST(SecurityCommandLine, ZeroFailuresTurnsTheBlockingOff) {
    SecurityCommandLine security;
    EXPECT_TRUE(security.take(id_of("vnc-auth-failures"), "0/0"));
    NetworkPolicy network;
    security.apply(network);
    EXPECT_EQ(network.vnc_auth_failure_limit, 0u);
}

TEST(SecurityCommandLine, RefusesBadValues) {
    const std::vector<std::pair<const char*, const char*>> bad = {
        {"vnc-max-clients", "0"},     {"vnc-max-clients", "many"},   {"vnc-max-clients", "5000"},
        {"vnc-auth-failures", "5"},   {"vnc-auth-failures", "5/"},   {"vnc-auth-failures", "/60"},
        {"vnc-auth-failures", "5/0"}, {"vnc-auth-failures", "x/60"}, {"vnc-auth-block", "-1"},
        {"vnc-auth-block", "999999"},
    };
    for (const auto& [name, value] : bad) {
        SecurityCommandLine security;
        EXPECT_THROW(security.take(id_of(name), value), UsageError) << name << " " << value;
    }
}

TEST(SecurityCommandLine, ACertificateAndItsKeyComeTogether) {
    SecurityCommandLine cert_only;
    cert_only.take(id_of("http-cert"), "cert.pem");
    EXPECT_THROW(cert_only.validate(), UsageError);
    SecurityCommandLine key_only;
    key_only.take(id_of("http-key"), "key.pem");
    EXPECT_THROW(key_only.validate(), UsageError);
}

}  // namespace
}  // namespace fbx::cli
