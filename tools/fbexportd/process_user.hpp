#pragma once

#include <string>

namespace fbx {

// Started as root (by hand, or by an init system without systemd's
// DynamicUser), the service gives root up before it listens or touches a
// device: it becomes `name` with that user's groups (e.g. vgpu-display for
// /dev/vgpu/*), for good. Throws fbx::Error naming the step that failed;
// also when the process is not root, as nothing can be switched then.
void become_user(const std::string& name);

}  // namespace fbx
