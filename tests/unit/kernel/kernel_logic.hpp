#pragma once

// The kernel's pure-logic C headers, for C++ tests.
extern "C" {
#include "convert_logic.h"
#include "damage_logic.h"
#include "edid_logic.h"
#include "plane_logic.h"
#include "regs_logic.h"
}
