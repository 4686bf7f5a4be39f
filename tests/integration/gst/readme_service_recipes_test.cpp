// The fbexportd recipes of README.md's "Streams from the service" and "In a
// browser" sections, run as written, each code block in a folder of its own:
// a line starting with fbexportd runs in the background (from the build
// tree, through PATH) until the block ends; a gst-launch-1.0 line runs for
// three seconds, then gets Ctrl-C (SIGINT) as a user would give it; other
// lines are set-up commands that must succeed. Then fbexportd gets Ctrl-C
// too, and must exit 0; every file a block names (filesink location=,
// --record) must be a video gst-discoverer-1.0 reads at the demo's
// 1920x1080, and a page printed by --http must be noVNC's.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "gst_test_support.hpp"
#include "service_process.hpp"

namespace fbx::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The commands of each sh block in the named sections (continued lines joined).
std::vector<std::vector<std::string>> recipe_blocks(const fs::path& readme,
                                                    const std::vector<std::string>& sections) {
    std::ifstream in(readme);
    std::vector<std::vector<std::string>> blocks;
    bool in_section = false;
    bool in_block = false;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("## ", 0) == 0) {
            in_section =
                std::find(sections.begin(), sections.end(), line.substr(3)) != sections.end();
        }
        if (!in_section) {
            continue;
        }
        if (line.rfind("```", 0) == 0) {
            in_block = !in_block;
            if (in_block) {
                blocks.emplace_back();
            }
            continue;
        }
        if (in_block && !line.empty()) {
            // A line ending in a backslash goes on on the next, as in sh.
            auto& lines = blocks.back();
            if (!lines.empty() && lines.back().ends_with('\\')) {
                lines.back().pop_back();
                lines.back() += line;
            } else {
                lines.push_back(line);
            }
        }
    }
    return blocks;
}

// GET of an http://127.0.0.1:PORT/PATH URL; the whole reply.
std::string http_get(const std::string& url) {
    std::smatch m;
    const std::regex parts(R"(http://127\.0\.0\.1:(\d+)(/\S*))");
    if (!std::regex_match(url, m, parts)) {
        return "";
    }
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(std::stoi(m[1].str())));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string reply;
    if (::connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
        const std::string request = "GET " + m[2].str() + " HTTP/1.1\r\nHost: x\r\n\r\n";
        ::send(s, request.data(), request.size(), MSG_NOSIGNAL);
        char chunk[65536];
        for (ssize_t n; (n = ::recv(s, chunk, sizeof chunk, 0)) > 0;) {
            reply.append(chunk, std::size_t(n));
        }
    }
    ::close(s);
    return reply;
}

std::unique_ptr<ChildProcess> spawn_in(const fs::path& dir, const std::string& line) {
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{"/bin/bash", "-c", "cd '" + dir.string() + "' && exec " + line});
}

TEST(ReadmeServiceRecipes, RunAsWritten) {
    use_build_tree_plugin();
    // fbexportd from the build tree, as the recipes name it.
    const std::string path = std::string(FBEXPORT_BIN_DIR) + ":" + std::getenv("PATH");
    setenv("PATH", path.c_str(), 1);
    const auto blocks =
        recipe_blocks(FBEXPORT_README, {"Streams from the service", "In a browser"});
    ASSERT_GE(blocks.size(), 6u) << "no fbexportd recipes in README";
    const std::regex files(R"((?:filesink location=|--record )(\S+))");
    const std::regex page(R"(ready: open (http://\S+) in a browser)");
    int index = 0;
    for (const auto& block : blocks) {
        std::string text;
        for (const auto& line : block) {
            text += line + "\n";
        }
        SCOPED_TRACE(text);
        const fs::path dir =
            fs::temp_directory_path() /
            ("readme_service_recipe." + std::to_string(getpid()) + "." + std::to_string(index++));
        fs::create_directories(dir);
        std::unique_ptr<ChildProcess> service;
        bool client = false;
        for (const auto& line : block) {
            if (line.rfind("fbexportd ", 0) == 0) {
                service = spawn_in(dir, line);
                ASSERT_TRUE(service->wait_for_log("ready", 20s)) << service->log();
                std::smatch m;
                const std::string log = service->log();
                if (std::regex_search(log, m, page)) {
                    const std::string reply = http_get(m[1].str());
                    EXPECT_EQ(reply.rfind("HTTP/1.1 200 OK", 0), 0u) << reply.substr(0, 200);
                    EXPECT_NE(reply.find("<title>noVNC</title>"), std::string::npos);
                }
            } else if (line.rfind("gst-launch-1.0 ", 0) == 0) {
                client = true;
                auto launch = spawn_in(dir, line);
                std::this_thread::sleep_for(3s);
                EXPECT_EQ(launch->stop(SIGINT, 20s), 0) << launch->log();
            } else {
                const CommandResult setup = run_command("cd '" + dir.string() + "' && " + line);
                ASSERT_EQ(setup.status, 0) << setup.output;
            }
        }
        if (service) {
            if (!client) {
                std::this_thread::sleep_for(3s);
            }
            EXPECT_EQ(service->stop(SIGINT, 20s), 0) << service->log();
        }
        for (auto it = std::sregex_iterator(text.begin(), text.end(), files);
             it != std::sregex_iterator(); ++it) {
            std::string name = (*it)[1].str();
            std::erase(name, '\'');
            EXPECT_TRUE(is_video(discover((dir / name).string()), 1920, 1080)) << name;
        }
        fs::remove_all(dir);
    }
}

}  // namespace
}  // namespace fbx::test
