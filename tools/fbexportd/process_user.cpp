#include "process_user.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "fbexport/error.hpp"
#include "fbexport/log.hpp"

namespace fbx {
namespace {

[[noreturn]] void fail(const std::string& name, const std::string& what, int err) {
    throw Error("--user " + name + ": " + what + ": " + std::strerror(err));
}

}  // namespace

void become_user(const std::string& name) {
    if (::geteuid() != 0) {
        throw Error("--user " + name + ": only a service started as root can change its user");
    }
    long size = ::sysconf(_SC_GETPW_R_SIZE_MAX);
    std::vector<char> buffer(size > 0 ? static_cast<std::size_t>(size) : 16384);
    passwd entry{};
    passwd* found = nullptr;
    const int err = ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
    if (err != 0) {
        fail(name, "getpwnam_r", err);
    }
    if (!found) {
        throw Error("--user " + name + ": no such user (see getent passwd)");
    }
    if (found->pw_uid == 0) {
        throw Error("--user " + name + ": that is root; name an unprivileged user");
    }
    // Groups first: once the user id changes, they can no longer be set.
    if (::initgroups(name.c_str(), found->pw_gid) != 0) {
        fail(name, "initgroups", errno);
    }
    if (::setgid(found->pw_gid) != 0) {
        fail(name, "setgid(" + std::to_string(found->pw_gid) + ")", errno);
    }
    if (::setuid(found->pw_uid) != 0) {
        fail(name, "setuid(" + std::to_string(found->pw_uid) + ")", errno);
    }
    // setuid() as root sets all three user ids; that root cannot come back
    // is checked, not assumed.
    if (::setuid(0) == 0 || ::geteuid() == 0) {
        throw Error("--user " + name + ": root could be regained after setuid; refusing to run");
    }
    log(LogLevel::info, "fbexportd") << "running as user " << name << " (uid " << found->pw_uid
                                     << ", gid " << found->pw_gid << ")";
}

}  // namespace fbx
