#pragma once

// The kernel module's pure-logic C headers, for the C++ harnesses.
extern "C" {
#include "convert_logic.h"
#include "damage_logic.h"
#include "plane_logic.h"
#include "regs_logic.h"
}
