// The VM's loopback interface: a fresh kernel brings it up for nobody, and
// the services under test listen on 127.0.0.1.
#pragma once

namespace vmtest {

// Sets lo up (and running) unless it is; throws with errno text otherwise.
void bring_up_loopback();

}  // namespace vmtest
