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

TEST(SecurityCommandLine, DefaultsAreTheSinksOwn) {
    SecurityCommandLine security;
    security.validate();
    VncOptions vnc;
    BrowserOptions browser;
    security.apply(vnc, browser);
    EXPECT_EQ(vnc, VncOptions{});
    EXPECT_EQ(vnc.max_clients, 16u);
    EXPECT_EQ(vnc.auth_failure_limit, 5u);
    EXPECT_EQ(vnc.auth_failure_window, std::chrono::seconds{60});
    EXPECT_FALSE(browser.tls);
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
    VncOptions vnc;
    vnc.password = "kept";
    BrowserOptions browser;
    security.apply(vnc, browser);
    EXPECT_EQ(vnc.max_clients, 3u);
    EXPECT_EQ(vnc.auth_failure_limit, 7u);
    EXPECT_EQ(vnc.auth_failure_window, std::chrono::seconds{120});
    EXPECT_EQ(vnc.auth_block, std::chrono::seconds{300});
    EXPECT_EQ(vnc.password, "kept") << "only the limits change";
    ASSERT_TRUE(browser.tls);
    EXPECT_EQ(*browser.tls, (WebTls{"/etc/fbexport/cert.pem", "/etc/fbexport/key.pem"}));
}

TEST(SecurityCommandLine, ZeroFailuresTurnsTheBlockingOff) {
    SecurityCommandLine security;
    EXPECT_TRUE(security.take(id_of("vnc-auth-failures"), "0/0"));
    VncOptions vnc;
    BrowserOptions browser;
    security.apply(vnc, browser);
    EXPECT_EQ(vnc.auth_failure_limit, 0u);
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
