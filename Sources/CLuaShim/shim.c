#include "zdshim.h"
