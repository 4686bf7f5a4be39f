#include "service_process.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace fbx::test {

namespace {

std::uint16_t free_port(int type) {
    const int s = ::socket(AF_INET, type, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (s < 0 || ::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        throw std::runtime_error("cannot find a free loopback port");
    }
    ::close(s);
    return ntohs(addr.sin_port);
}

}  // namespace

std::uint16_t free_loopback_port() {
    return free_port(SOCK_STREAM);
}

std::uint16_t free_loopback_udp_port() {
    return free_port(SOCK_DGRAM);
}

std::uint16_t free_loopback_port_run(unsigned count) {
    unsigned ephemeral_low = 32768;
    std::ifstream("/proc/sys/net/ipv4/ip_local_port_range") >> ephemeral_low;
    constexpr unsigned lowest = 10000;
    if (count == 0 || ephemeral_low < lowest + count) {
        throw std::runtime_error("no room for a port run below the ephemeral range");
    }
    std::minstd_rand pick(static_cast<unsigned>(::getpid()));
    for (int attempt = 0; attempt < 1000; attempt++) {
        const unsigned base = lowest + pick() % (ephemeral_low - count - lowest);
        bool free = true;
        for (unsigned i = 0; i < count && free; i++) {
            const int s = ::socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in addr{};
            addr.sin_family = AF_INET;
            addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            addr.sin_port = htons(static_cast<std::uint16_t>(base + i));
            free = s >= 0 && ::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
            if (s >= 0) {
                ::close(s);
            }
        }
        if (free) {
            return static_cast<std::uint16_t>(base);
        }
    }
    throw std::runtime_error("no run of free loopback ports below the ephemeral range");
}

double cpu_seconds(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(in, line);
    // Fields after the command name (which may hold spaces) start past ')'.
    std::istringstream rest(line.substr(line.rfind(')') + 2));
    std::string field;
    unsigned long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14)
            utime = std::stoul(field);
        if (i == 15)
            stime = std::stoul(field);
    }
    return double(utime + stime) / double(::sysconf(_SC_CLK_TCK));
}

std::string program(const std::string& name) {
    return std::string(FBEXPORT_BIN_DIR) + "/" + name;
}

ChildProcess::ChildProcess(std::vector<std::string> argv) {
    char pattern[] = "/tmp/fbexport-test-log-XXXXXX";
    const int log_fd = ::mkstemp(pattern);
    if (log_fd < 0) {
        throw std::runtime_error("mkstemp for a child's log");
    }
    log_path_ = pattern;
    pid_ = ::fork();
    if (pid_ < 0) {
        throw std::runtime_error("fork");
    }
    if (pid_ == 0) {
        ::dup2(log_fd, STDOUT_FILENO);
        ::dup2(log_fd, STDERR_FILENO);
        std::vector<char*> args;
        for (auto& a : argv) {
            args.push_back(a.data());
        }
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        std::_Exit(127);
    }
    ::close(log_fd);
}

ChildProcess::~ChildProcess() {
    if (!exited_) {
        stop(SIGKILL);
    }
    ::unlink(log_path_.c_str());
}

std::string ChildProcess::log() const {
    std::ifstream in(log_path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

bool ChildProcess::wait_for_log(const std::string& text, std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        if (log().find(text) != std::string::npos) {
            return true;
        }
        if (!exited_ && ::waitpid(pid_, &status_, WNOHANG) == pid_) {
            exited_ = true;
        }
        if (exited_) {
            return log().find(text) != std::string::npos;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    return false;
}

int ChildProcess::wait_exit(std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (!exited_) {
        if (::waitpid(pid_, &status_, WNOHANG) == pid_) {
            exited_ = true;
            break;
        }
        if (std::chrono::steady_clock::now() >= end) {
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
}

int ChildProcess::stop(int signal, std::chrono::milliseconds timeout) {
    if (!exited_) {
        ::kill(pid_, signal);
    }
    const int code = wait_exit(timeout);
    if (code == -1) {
        ::kill(pid_, SIGKILL);
        wait_exit(std::chrono::seconds{5});
    }
    return code;
}

}  // namespace fbx::test
