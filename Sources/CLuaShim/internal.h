/*
** Helpers shared by the shim's C files; not part of the interface Swift sees.
*/
#pragma once

#include "zdshim.h"

/* Raise the run's trip error (the trip must be set). Does not return. */
int zd_raise_trip(lua_State *L, zd_runtime *rt);

/* Push "chunk:line: " for the nearest Lua caller that is user code, or "". */
void zd_push_where_user(lua_State *L);

/* Raise the run's trip if one is pending or the watchdog asked for a stop;
** returns only while the run may go on. For long C loops. */
void zd_checkpoint(lua_State *L, zd_runtime *rt);

/* The trip so far, on the Lua thread (the only writer: relaxed suffices). */
#define ZD_TRIPPED(rt) atomic_load_explicit(&(rt)->tripped, memory_order_relaxed)
