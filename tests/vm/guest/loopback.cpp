#include "loopback.hpp"

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cstring>

#include "fbexport/error.hpp"
#include "fbexport/unique_fd.hpp"

namespace vmtest {

void bring_up_loopback() {
    const fbx::UniqueFd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!s) {
        fbx::throw_errno("socket for bringing up lo");
    }
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    if (::ioctl(s.get(), SIOCGIFFLAGS, &ifr) != 0) {
        fbx::throw_errno("SIOCGIFFLAGS of lo");
    }
    if ((ifr.ifr_flags & IFF_UP) != 0) {
        return;
    }
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
    if (::ioctl(s.get(), SIOCSIFFLAGS, &ifr) != 0) {
        fbx::throw_errno("SIOCSIFFLAGS bringing up lo");
    }
}

}  // namespace vmtest
