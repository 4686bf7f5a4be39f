// LeakSanitizer and Mesa: Mesa's DRI driver (swrast_dri.so for llvmpipe)
// allocates a few small objects once per process and keeps them in its
// globals. eglTerminate unloads the driver, so at exit those objects are
// reachable from nothing and LeakSanitizer reports them as leaks in
// "<unknown module>" -- a place no suppression file can name. Keeping the
// driver loaded (RTLD_NODELETE) keeps them reachable, so the sanitizer job
// runs these tests with leak checking on, like every other unit test.

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <link.h>

#include <string>
#include <vector>

#include "display/gl_converter.hpp"
#include "fbexport/error.hpp"

namespace {

class KeepGlDriverLoaded : public ::testing::Environment {
public:
    void SetUp() override {
        try {
            const fbx::GlConverter converter;  // loads the driver
            std::vector<std::string> drivers;
            dl_iterate_phdr(
                [](dl_phdr_info* info, std::size_t, void* data) {
                    const std::string name = info->dlpi_name ? info->dlpi_name : "";
                    if (name.find("/dri/") != std::string::npos) {
                        static_cast<std::vector<std::string>*>(data)->push_back(name);
                    }
                    return 0;
                },
                &drivers);
            for (const std::string& path : drivers) {
                // NOLOAD: only takes another reference on the loaded driver.
                pinned_.push_back(dlopen(path.c_str(), RTLD_LAZY | RTLD_NOLOAD | RTLD_NODELETE));
            }
        } catch (const fbx::Error&) {
            // No GL here: the tests themselves skip and say why.
        }
    }

private:
    std::vector<void*> pinned_;  // never closed: the point is to keep them
};

const auto* const registered = ::testing::AddGlobalTestEnvironment(new KeepGlDriverLoaded);

}  // namespace
