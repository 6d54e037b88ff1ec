/* Common includes for cmocka unit tests. */
#ifndef CVENV_UNIT_H
#define CVENV_UNIT_H

#include "util/common.h"

#include <setjmp.h>
#include <cmocka.h>

#endif
