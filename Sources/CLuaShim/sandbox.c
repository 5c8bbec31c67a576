/*
** Replacements for base functions that the sandbox must control in C:
** pcall/xpcall that cannot swallow a tripped limit, and load that only ever
** accepts text. Their behaviour towards scripts is the standard library's
** (same results, same messages); what differs is said where it is done.
*/
#include <string.h>
#include "internal.h"

/* A coroutine abandoned by a trip (see settle) that is resumed
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
**
** Otherwise this turns the protected call's outcome into pcall's results.
** It runs twice over: directly when the call returns, and as the
** continuation Lua calls when the call yielded and later finished. keep:
** how many stack slots under the leading true are not results.
*/
static int settle(lua_State *L, int status, lua_KContext keep) {
  zd_runtime *rt = zd_runtime_of(L);
  if (ZD_TRIPPED(rt) != ZD_TRIP_NONE) {
    if (lua_isyieldable(L)) return lua_yieldk(L, 0, 0, stay_stopped);
    lua_pushstring(L, rt->trip_message);
    return lua_error(L);
  }
  if (status == LUA_OK || status == LUA_YIELD)
    return lua_gettop(L) - (int)keep;  /* true, then whatever the call returned */
  /* Failed: the error object is on top; answer false, error. */
  lua_pushboolean(L, 0);
  lua_rotate(L, -2, 1);
  return 2;
}

/* pcall(f, ...): a true goes under f, so on success the results already
** read true, r1, r2, ... in place. */
int zd_pcall(lua_State *L) {
  int nargs;
  luaL_checkany(L, 1);
  nargs = lua_gettop(L) - 1;
  lua_pushboolean(L, 1);
  lua_rotate(L, 1, 1);
  return settle(L, lua_pcallk(L, nargs, LUA_MULTRET, 0, 0, settle), 0);
}

/*
** The user's message handler runs before the stack unwinds. When the error
** came from the instruction hook, Lua has not yet re-enabled hooks, so a
** handler that loops could never be stopped: after a trip the handler is
** skipped and the trip message is the result. The handler gets the error
** object alone and its one result replaces it.
*/
static int guarded_handler(lua_State *L) {
  zd_runtime *rt = zd_runtime_of(L);
  if (ZD_TRIPPED(rt) != ZD_TRIP_NONE) {
    lua_pushstring(L, rt->trip_message);
    return 1;
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 1);
  lua_call(L, 1, 1);
  return 1;
}

/* xpcall(f, handler, ...): the stack becomes f, guard, true, f, args...;
** slot 2 (the guard around the handler) is the message handler of the
** call, and the two slots under true are not results. */
int zd_xpcall(lua_State *L) {
  int nargs = lua_gettop(L) - 2;
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushboolean(L, 1);
  lua_pushvalue(L, 1);
  lua_rotate(L, 3, 2);
  lua_pushvalue(L, 2);
  lua_pushcclosure(L, guarded_handler, 1);
  lua_replace(L, 2);
  return settle(L, lua_pcallk(L, nargs, LUA_MULTRET, 2, 2, settle), 2);
}

int zd_tripped(lua_State *L) {
  zd_runtime *rt = zd_runtime_of(L);
  if (ZD_TRIPPED(rt) == ZD_TRIP_NONE) lua_pushnil(L);
  else lua_pushstring(L, rt->trip_message);
  return 1;
}

int zd_raise_if_tripped(lua_State *L) {
  zd_runtime *rt = zd_runtime_of(L);
  if (ZD_TRIPPED(rt) != ZD_TRIP_NONE) {
    lua_pushstring(L, rt->trip_message);
    return lua_error(L);
  }
  return 0;
}

/* Where load's reader keeps the piece a reader function returned last: the
** parser reads it after the reader returns, so it must stay referenced. */
#define PIECE_SLOT 5

/* lua_load's reader for load(f): the next piece of text from f; nil (or an
** empty string) ends the chunk, anything but a string is an error. */
static const char *read_piece(lua_State *L, void *ud, size_t *size) {
  (void)ud;
  luaL_checkstack(L, 2, "too many nested functions");
  lua_pushvalue(L, 1);
  lua_call(L, 0, 1);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    *size = 0;
    return NULL;
  }
  if (!lua_isstring(L, -1)) luaL_error(L, "reader function must return a string");
  lua_replace(L, PIECE_SLOT);
  return lua_tolstring(L, PIECE_SLOT, size);
}

/*
** load(chunk [, chunkname [, mode [, env]]]) — the mode argument is ignored:
** binary chunks are refused whatever the caller asks for, since a crafted
** bytecode chunk can break out of the VM. Without env, the chunk gets the
** state's global table, which the host has replaced by the sandbox's; an
** env given (even nil) becomes the chunk's _ENV, its first upvalue.
** Returns the function, or fail and the message.
*/
int zd_load(lua_State *L) {
  size_t len;
  const char *text = lua_tolstring(L, 1, &len);
  int has_env = !lua_isnone(L, 4);
  int status;
  if (has_env && !lua_istable(L, 4) && !lua_isnil(L, 4))
    return luaL_argerror(L, 4, "table expected");
  if (text != NULL)  /* a string names itself unless a name is given */
    status = luaL_loadbufferx(L, text, len, luaL_optstring(L, 2, text), "t");
  else {
    const char *name = luaL_optstring(L, 2, "=(load)");
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, PIECE_SLOT);
    status = lua_load(L, read_piece, NULL, name, "t");
  }
  if (status != LUA_OK) {
    luaL_pushfail(L);
    lua_rotate(L, -2, 1);
    return 2;
  }
  if (has_env) {
    lua_pushvalue(L, 4);
    if (lua_setupvalue(L, -2, 1) == NULL) lua_pop(L, 1);
  }
  return 1;
}
