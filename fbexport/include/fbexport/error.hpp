#pragma once

#include <cerrno>
#include <stdexcept>
#include <string>

namespace fbx {

// Thrown for failures of the system or of a peer; the message always says
// what was being done to which object, so a log line alone locates the fault.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// "what: strerror(err)" for a failed system call; `what` names the call and
// its object, e.g. "mmap of demo primary plane (fd 7, 8294400 bytes)".
[[noreturn]] void throw_errno(const std::string& what, int err = errno);

}  // namespace fbx
