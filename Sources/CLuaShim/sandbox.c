/*
** Replacements for base functions that the sandbox must control in C:
** pcall/xpcall that cannot swallow a tripped limit, and load that only ever
** accepts text. Adapted from Lua 5.4.4's lbaselib.c (MIT licence,
** Copyright (C) 1994-2022 Lua.org, PUC-Rio).
*/
#include <string.h>
#include "zdshim.h"

/* A coroutine abandoned by a trip (see finishpcall) that is resumed
** anyway, e.g. in a later REPL input that kept a reference to it. */
static int stay_stopped(lua_State *L, int status, lua_KContext ctx) {
  (void)status; (void)ctx;
  lua_pushliteral(L, "cannot resume a coroutine that a limit stopped");
  return lua_error(L);
}

/*
** After a limit trips, no protected call returns to the user's code: the
** user's handler never sees "success" and a loop around pcall cannot keep
** the run alive.
**
** Where the coroutine can yield, it is suspended for good instead of the
** error being raised again. Re-raising means one recovery per enclosing
** pcall, and Lua shrinks the stack at each recovery (walking every frame
** below it), so a recursion through pcall a hundred thousand levels deep
** took minutes to unwind after its limit tripped: quadratic in the depth.
** A yield leaves at once; the scheduler, or the sandbox's coroutine.resume,
** sees the trip and ends the run, and the collector frees the abandoned
** frames. Where it cannot yield (under a C call such as a sort comparator)
** the C stack bounds the nesting, so raising stays cheap.
*/
static int finishpcall(lua_State *L, int status, lua_KContext extra) {
  zd_runtime *rt = zd_runtime_of(L);
  if (rt->tripped != ZD_TRIP_NONE) {
    if (lua_isyieldable(L)) return lua_yieldk(L, 0, 0, stay_stopped);
    lua_pushstring(L, rt->trip_message);
    return lua_error(L);
  }
  if (status != LUA_OK && status != LUA_YIELD) {
    lua_pushboolean(L, 0);
    lua_pushvalue(L, -2);
    return 2;
  }
  return lua_gettop(L) - (int)extra;
}

int zd_pcall(lua_State *L) {
  int status;
  luaL_checkany(L, 1);
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  status = lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, 0, finishpcall);
  return finishpcall(L, status, 0);
}

/*
** The user's message handler runs before the stack unwinds. When the error
** came from the instruction hook, Lua has not yet re-enabled hooks, so a
** handler that loops could never be stopped: after a trip the handler is
** skipped and the trip message is the result.
*/
static int msgh(lua_State *L) {
  zd_runtime *rt = zd_runtime_of(L);
  if (rt->tripped != ZD_TRIP_NONE) {
    lua_pushstring(L, rt->trip_message);
    return 1;
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

int zd_xpcall(lua_State *L) {
  int status;
  int n = lua_gettop(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 2);
  lua_pushcclosure(L, msgh, 1);
  lua_replace(L, 2);
  lua_pushboolean(L, 1);
  lua_pushvalue(L, 1);
  lua_rotate(L, 3, 2);
  status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, finishpcall);
  return finishpcall(L, status, 2);
}

int zd_tripped(lua_State *L) {
  zd_runtime *rt = zd_runtime_of(L);
  if (rt->tripped == ZD_TRIP_NONE) lua_pushnil(L);
  else lua_pushstring(L, rt->trip_message);
  return 1;
}

int zd_raise_if_tripped(lua_State *L) {
  zd_runtime *rt = zd_runtime_of(L);
  if (rt->tripped != ZD_TRIP_NONE) {
    lua_pushstring(L, rt->trip_message);
    return lua_error(L);
  }
  return 0;
}

#define RESERVEDSLOT 5

static const char *generic_reader(lua_State *L, void *ud, size_t *size) {
  (void)ud;
  luaL_checkstack(L, 2, "too many nested functions");
  lua_pushvalue(L, 1);
  lua_call(L, 0, 1);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    *size = 0;
    return NULL;
  }
  else if (!lua_isstring(L, -1))
    luaL_error(L, "reader function must return a string");
  lua_replace(L, RESERVEDSLOT);
  return lua_tolstring(L, RESERVEDSLOT, size);
}

static int load_aux(lua_State *L, int status, int envidx) {
  if (status == LUA_OK) {
    if (envidx != 0) {
      lua_pushvalue(L, envidx);
      if (!lua_setupvalue(L, -2, 1))
        lua_pop(L, 1);
    }
    return 1;
  }
  luaL_pushfail(L);
  lua_insert(L, -2);
  return 2;
}

/*
** load(chunk [, chunkname [, mode [, env]]]) — the mode argument is ignored:
** binary chunks are refused whatever the caller asks for, since a crafted
** bytecode chunk can break out of the VM. Without env, the chunk gets the
** state's global table, which the host has replaced by the sandbox's.
*/
int zd_load(lua_State *L) {
  int status;
  size_t l;
  const char *s = lua_tolstring(L, 1, &l);
  int env = (!lua_isnone(L, 4) ? 4 : 0);
  if (env != 0 && !lua_istable(L, 4) && !lua_isnil(L, 4))
    return luaL_argerror(L, 4, "table expected");
  if (s != NULL) {
    const char *chunkname = luaL_optstring(L, 2, s);
    status = luaL_loadbufferx(L, s, l, chunkname, "t");
  }
  else {
    const char *chunkname = luaL_optstring(L, 2, "=(load)");
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, RESERVEDSLOT);
    status = lua_load(L, generic_reader, NULL, chunkname, "t");
  }
  return load_aux(L, status, env);
}
