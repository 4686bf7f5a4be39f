#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace fbx::test {

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, closed).
std::uint16_t free_loopback_port();
// The same for UDP (an RTP receiver's port).
std::uint16_t free_loopback_udp_port();
// The first of `count` consecutive TCP ports on 127.0.0.1 that were free a
// moment ago, below the ephemeral range so that no client's own end of a
// connection takes one of them meanwhile (fbexportd --all-vgpus serves
// base, base + 1, ...).
std::uint16_t free_loopback_port_run(unsigned count);

// User + system CPU time process `pid` has used so far, in seconds.
double cpu_seconds(pid_t pid);

// Runs a program (fbexportd, fbshot) as a child process with its output in a
// file, for tests that treat it as a black box. The destructor stops it.
class ChildProcess {
public:
    explicit ChildProcess(std::vector<std::string> argv);
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ~ChildProcess();

    pid_t pid() const { return pid_; }
    // Waits until stderr holds `text`; false if the process exits or time runs out.
    bool wait_for_log(const std::string& text, std::chrono::milliseconds timeout);
    // Sends `signal` and waits for the exit status (as from waitpid), or -1 on timeout.
    int stop(int signal, std::chrono::milliseconds timeout = std::chrono::seconds{10});
    // Waits for the process to exit by itself; the exit code, or -1.
    int wait_exit(std::chrono::milliseconds timeout);
    std::string log() const;

private:
    pid_t pid_ = -1;
    std::string log_path_;
    bool exited_ = false;
    int status_ = 0;
};

// Path of a built program, from the FBEXPORT_BIN_DIR compile definition.
std::string program(const std::string& name);

}  // namespace fbx::test
