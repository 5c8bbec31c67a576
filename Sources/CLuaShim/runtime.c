/*
** State creation, the allocator, the instruction hook and the host-function
** trampoline. Everything here may longjmp, which is why it is C: Swift frames
** are never on the C stack when lua_error or lua_yieldk runs.
*/
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "internal.h"
#include <lua5.4/lualib.h>

/* Headroom granted after a memory trip so unwinding and reporting can finish. */
#define ZD_MEM_HEADROOM (1u << 20)

static zd_dispatch_fn dispatch = NULL;

void zd_set_dispatch(zd_dispatch_fn fn) { dispatch = fn; }

const char *zd_lua_release(void) {
  static char release[32];
  if (release[0] == '\0') {
    /* lua_ident reads "$LuaVersion: Lua 5.4.4  Copyright ..." */
    const char *p = strstr(lua_ident, "Lua 5");
    size_t n = 0;
    if (p != NULL)
      while (p[n] != '\0' && n < sizeof(release) - 1 && !(p[n] == ' ' && n > 3)) n++;
    if (n == 0) strcpy(release, "Lua ?");
    else { memcpy(release, p, n); release[n] = '\0'; }
  }
  return release;
}

void zd_trip_set(zd_runtime *rt, int kind, const char *message) {
  if (ZD_TRIPPED(rt) != ZD_TRIP_NONE) return;  /* the first cause wins */
  snprintf(rt->trip_message, sizeof(rt->trip_message), "%s", message);
  atomic_store_explicit(&rt->tripped, kind, memory_order_release);
}

int zd_trip_kind(zd_runtime *rt) {
  return atomic_load_explicit(&rt->tripped, memory_order_acquire);
}

void zd_interrupt(zd_runtime *rt, int kind) {
  atomic_store_explicit(&rt->interrupt, kind, memory_order_release);
}

void zd_clear_trip(zd_runtime *rt) {
  rt->trip_message[0] = '\0';
  atomic_store_explicit(&rt->tripped, ZD_TRIP_NONE, memory_order_release);
  atomic_store_explicit(&rt->interrupt, ZD_TRIP_NONE, memory_order_release);
}

zd_runtime *zd_runtime_of(lua_State *L) {
  void *ud = NULL;
  lua_getallocf(L, &ud);
  return (zd_runtime *)ud;
}

static void trip_memory(zd_runtime *rt) {
  char msg[160];
  snprintf(msg, sizeof msg,
           "memory limit of %zu MB exceeded (raise it with --max-memory)",
           rt->mem_limit >> 20);
  zd_trip_set(rt, ZD_TRIP_MEMORY, msg);
}

/* Bytes in use against the budget: Lua's own and what Swift holds for it. */
static size_t budget_used(const zd_runtime *rt) { return rt->mem_used + rt->host_used; }

static void *zd_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  zd_runtime *rt = (zd_runtime *)ud;
  if (ptr == NULL) osize = 0;  /* osize encodes the object type then */
  if (nsize == 0) {
    free(ptr);
    rt->mem_used -= osize;
    return NULL;
  }
  if (nsize > osize && rt->mem_limit != 0 && rt->enforce) {
    size_t limit = rt->mem_limit;
    /* Lua answers a refusal with an emergency collection and asks again.
    ** The headroom below is for reporting the error once it is raised; if
    ** it also served that retry, the request that crossed the limit would
    ** succeed, nothing would be raised, and the run would go on until the
    ** watchdog's poke, possibly much deeper into a recursion. */
    int retry = rt->refusal_pending && ptr == rt->refused_ptr
                && osize == rt->refused_osize && nsize == rt->refused_nsize;
    rt->refusal_pending = 0;
    if (ZD_TRIPPED(rt) == ZD_TRIP_MEMORY && !retry) limit += ZD_MEM_HEADROOM;
    if (retry || budget_used(rt) - osize + nsize > limit) {
      trip_memory(rt);
      if (!retry) {
        rt->refusal_pending = 1;
        rt->refused_ptr = ptr;
        rt->refused_osize = osize;
        rt->refused_nsize = nsize;
      }
      return NULL;  /* Lua raises LUA_ERRMEM; pcall and the hook make it final */
    }
  }
  else rt->refusal_pending = 0;
  void *p = realloc(ptr, nsize);
  if (p == NULL) return NULL;
  rt->mem_used = rt->mem_used - osize + nsize;
  if (rt->mem_used > rt->mem_peak) rt->mem_peak = rt->mem_used;
  return p;
}

/* Raise the trip error. Its message is interned at trip time only if memory
** allows; otherwise Lua's preallocated "not enough memory" is used. */
int zd_raise_trip(lua_State *L, zd_runtime *rt) {
  lua_pushstring(L, rt->trip_message);
  return lua_error(L);
}

int zd_host_charge(zd_runtime *rt, size_t bytes) {
  rt->host_used += bytes;
  if (rt->mem_limit != 0 && budget_used(rt) > rt->mem_limit) trip_memory(rt);
  return ZD_TRIPPED(rt) == ZD_TRIP_MEMORY ? ZD_TRIP_MEMORY : ZD_TRIP_NONE;
}

int zd_memory_room(zd_runtime *rt, size_t bytes) {
  if (rt->mem_limit == 0) return 1;
  if (budget_used(rt) <= rt->mem_limit && bytes <= rt->mem_limit - budget_used(rt)) return 1;
  trip_memory(rt);
  return 0;
}

int zd_charge(zd_runtime *rt, int64_t steps) {
  rt->instructions += steps;
  if (ZD_TRIPPED(rt) == ZD_TRIP_NONE) {
    int interrupt = atomic_load_explicit(&rt->interrupt, memory_order_acquire);
    if (interrupt != ZD_TRIP_NONE) {
      if (interrupt == ZD_TRIP_TIMEOUT)
        zd_trip_set(rt, ZD_TRIP_TIMEOUT, "time limit exceeded (raise it with --timeout)");
      else if (interrupt == ZD_TRIP_INTERRUPT)
        zd_trip_set(rt, ZD_TRIP_INTERRUPT, "interrupted");
      else
        zd_trip_set(rt, interrupt, "stopped by the host");
    }
    else if (rt->max_instructions != 0 && rt->instructions > rt->max_instructions) {
      char msg[160];
      snprintf(msg, sizeof msg,
               "instruction limit of %lld exceeded (raise it with --max-instructions)",
               (long long)rt->max_instructions);
      zd_trip_set(rt, ZD_TRIP_INSTRUCTIONS, msg);
    }
  }
  return ZD_TRIPPED(rt);
}

void zd_checkpoint(lua_State *L, zd_runtime *rt) {
  if (zd_charge(rt, 0) != ZD_TRIP_NONE) zd_raise_trip(L, rt);
}

static void zd_hook(lua_State *L, lua_Debug *ar);

/*
** Give L the one-instruction hook, unless it has it already. lua_sethook
** marks every Lua frame of the thread (settraps in ldebug.c), which takes
** time in proportion to the call depth: tens of milliseconds at the depth a
** runaway recursion reaches, longer than the watchdog's tick. Re-arming an
** armed thread on every poke kept such a run inside signal handlers, each
** walking the frames again, for tens of seconds after its limit tripped.
** Only reads fields, so it is safe in the signal handler.
*/
static void arm(lua_State *L) {
  if (lua_gethook(L) == zd_hook && lua_gethookmask(L) == LUA_MASKCOUNT && lua_gethookcount(L) == 1) return;
  lua_sethook(L, zd_hook, LUA_MASKCOUNT, 1);
}

static void zd_hook(lua_State *L, lua_Debug *ar) {
  zd_runtime *rt = zd_runtime_of(L);
  int step = lua_gethookcount(L);
  (void)ar;
  zd_charge(rt, step);
  if (ZD_TRIPPED(rt) != ZD_TRIP_NONE) {
    /* From now on this thread fails at every instruction, so no handler
    ** that catches the error gets to run more than one instruction. */
    arm(L);
    zd_raise_trip(L, rt);
  }
  /* A poke, or a trip in an earlier input (REPL): back to the base hook. */
  if (step != (rt->max_instructions != 0 ? ZD_HOOK_STEP : 0)) zd_sethook_base(L);
}

void zd_sethook_base(lua_State *L) {
  if (zd_runtime_of(L)->max_instructions != 0)
    lua_sethook(L, zd_hook, LUA_MASKCOUNT, ZD_HOOK_STEP);
  else
    lua_sethook(L, NULL, 0, 0);
}

lua_State *zd_newstate(zd_runtime *rt) {
  return lua_newstate(zd_alloc, rt);
}

/* ---------------------------------------------------------------- */
/* Pokes                                                            */

/* The runtime whose state lives on this OS thread (one state per thread). */
static __thread zd_runtime *thread_runtime = NULL;

/* Runs on the Lua thread, between two of its instructions or inside Swift
** or C code; lua_sethook is the one Lua call that is safe here. */
static void on_poke(int sig) {
  zd_runtime *rt = thread_runtime;
  lua_State *L;
  (void)sig;
  if (rt == NULL) return;
  L = atomic_load_explicit(&rt->running, memory_order_relaxed);
  if (L != NULL) arm(L);
}

static pthread_once_t poke_handler_once = PTHREAD_ONCE_INIT;

static void install_poke_handler(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_poke;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(ZD_POKE_SIGNAL, &sa, NULL);
}

void zd_bind_thread(zd_runtime *rt) {
  sigset_t poke;
  pthread_once(&poke_handler_once, install_poke_handler);
  /* Threads inherit their creator's mask; a dispatch worker blocks nearly
  ** every signal. */
  sigemptyset(&poke);
  sigaddset(&poke, ZD_POKE_SIGNAL);
  pthread_sigmask(SIG_UNBLOCK, &poke, NULL);
  thread_runtime = rt;
  rt->os_thread = pthread_self();
  rt->bound = 1;
}

void zd_poke(zd_runtime *rt) {
  if (rt->bound) pthread_kill(rt->os_thread, ZD_POKE_SIGNAL);
}

void zd_watch(zd_runtime *rt, int deadline_passed) {
  if (deadline_passed) {
    int none = ZD_TRIP_NONE;
    /* A Ctrl-C that came first keeps its own message. */
    atomic_compare_exchange_strong_explicit(&rt->interrupt, &none, ZD_TRIP_TIMEOUT,
                                            memory_order_acq_rel, memory_order_acquire);
  }
  if (atomic_load_explicit(&rt->interrupt, memory_order_acquire) != ZD_TRIP_NONE
      || atomic_load_explicit(&rt->tripped, memory_order_acquire) != ZD_TRIP_NONE)
    zd_poke(rt);
}

int zd_resume(lua_State *co, lua_State *from, int nargs, int *nres) {
  zd_runtime *rt = zd_runtime_of(co);
  lua_State *outer = atomic_load_explicit(&rt->running, memory_order_relaxed);
  int saved = rt->enforce;
  int status;
  rt->enforce = 1;
  atomic_store_explicit(&rt->running, co, memory_order_relaxed);
  status = lua_resume(co, from, nargs, nres);
  atomic_store_explicit(&rt->running, outer, memory_order_relaxed);
  rt->enforce = saved;
  return status;
}

/* coroutine.resume and coroutine.close run Lua code in another thread; the
** library's own functions do the work, these keep rt->running pointing at
** the thread that runs. Nothing between setting and restoring it raises. */
static lua_CFunction original_resume = NULL, original_close = NULL;

void zd_set_coroutine_originals(lua_CFunction resume, lua_CFunction close) {
  original_resume = resume;
  original_close = close;
}

static int run_in(lua_State *L, lua_State *co, lua_CFunction f) {
  zd_runtime *rt = zd_runtime_of(L);
  lua_State *outer = atomic_load_explicit(&rt->running, memory_order_relaxed);
  int n;
  atomic_store_explicit(&rt->running, co, memory_order_relaxed);
  n = f(L);
  atomic_store_explicit(&rt->running, outer, memory_order_relaxed);
  return n;
}

int zd_co_resume(lua_State *L) {
  lua_State *co = lua_tothread(L, 1);
  luaL_argexpected(L, co != NULL, 1, "coroutine");
  return run_in(L, co, original_resume);
}

int zd_co_close(lua_State *L) {
  lua_Debug ar;
  lua_State *co = lua_tothread(L, 1);
  luaL_argexpected(L, co != NULL, 1, "coroutine");
  /* Closing a running or normal coroutine is an error the library raises. */
  if (co == L || (lua_status(co) == LUA_OK && lua_getstack(co, 0, &ar)))
    return original_close(L);
  return run_in(L, co, original_close);
}

/* ---------------------------------------------------------------- */
/* Host functions                                                   */

/* Push the position of the nearest Lua caller that is not zdsh's own
** trusted library code (chunk names starting with "=zdsh:"), so an error in
** a binding points at the user's line, not at the wrapper that forwarded it. */
void zd_push_where_user(lua_State *L) {
  lua_Debug ar;
  int level;
  for (level = 1; level < 12 && lua_getstack(L, level, &ar); level++) {
    if (!lua_getinfo(L, "Sl", &ar)) break;
    if (ar.currentline <= 0) continue;
    if (strncmp(ar.source, "=zdsh:", 6) == 0) continue;
    lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
    return;
  }
  lua_pushliteral(L, "");
}

/* Raise the error on top, prefixed with the calling Lua code's position when
** it is a message, like luaL_error does. */
static int raise_with_where(lua_State *L) {
  if (lua_type(L, -1) == LUA_TSTRING) {
    zd_push_where_user(L);
    lua_insert(L, -2);
    lua_concat(L, 2);
  }
  return lua_error(L);
}

static int zd_continue(lua_State *L, int status, lua_KContext ctx) {
  zd_runtime *rt = zd_runtime_of(L);
  int n = lua_gettop(L);
  (void)status; (void)ctx;
  if (ZD_TRIPPED(rt) != ZD_TRIP_NONE) return zd_raise_trip(L, rt);
  /* The scheduler resumes a suspended host call with (ok, ...). */
  if (n == 0 || !lua_toboolean(L, 1)) {
    lua_settop(L, 2);
    return raise_with_where(L);
  }
  return n - 1;
}

static int zd_trampoline(lua_State *L) {
  zd_runtime *rt = zd_runtime_of(L);
  int64_t fnid = (int64_t)lua_tointeger(L, lua_upvalueindex(1));
  int nyield = 0;
  int saved = rt->enforce;
  int r;
  if (ZD_TRIPPED(rt) != ZD_TRIP_NONE) return zd_raise_trip(L, rt);
  if (dispatch == NULL) return luaL_error(L, "host is not ready");
  /* Swift code may allocate freely (pushing results); the limit is checked
  ** once it has returned, here, where raising is safe. */
  rt->enforce = 0;
  r = dispatch(L, fnid, &nyield);
  rt->enforce = saved;
  if (ZD_TRIPPED(rt) != ZD_TRIP_NONE) return zd_raise_trip(L, rt);
  if (rt->mem_limit != 0 && budget_used(rt) > rt->mem_limit) {
    trip_memory(rt);
    return zd_raise_trip(L, rt);
  }
  if (r == ZD_HOST_ERROR) return raise_with_where(L);
  if (r == ZD_HOST_YIELD) {
    /* Keep only the yielded values, then suspend; zd_continue finishes. */
    lua_rotate(L, 1, nyield);
    lua_settop(L, nyield);
    return lua_yieldk(L, nyield, 0, zd_continue);
  }
  return r;
}

void zd_pushhostfunction(lua_State *L, int64_t fnid) {
  lua_pushinteger(L, (lua_Integer)fnid);
  lua_pushcclosure(L, zd_trampoline, 1);
}

/* ---------------------------------------------------------------- */
/* Loading and libraries                                            */

int zd_loadtext(lua_State *L, const char *code, size_t len, const char *name) {
  zd_runtime *rt = zd_runtime_of(L);
  int saved = rt->enforce;
  int status;
  rt->enforce = 1;
  status = luaL_loadbufferx(L, code, len, name, "t");
  rt->enforce = saved;
  return status;
}

static int openlibs(lua_State *L) {
  static const luaL_Reg libs[] = {
    {LUA_GNAME, luaopen_base},
    {LUA_COLIBNAME, luaopen_coroutine},
    {LUA_TABLIBNAME, luaopen_table},
    {LUA_OSLIBNAME, luaopen_os},
    {LUA_STRLIBNAME, luaopen_string},
    {LUA_MATHLIBNAME, luaopen_math},
    {LUA_UTF8LIBNAME, luaopen_utf8},
    {NULL, NULL}
  };
  const luaL_Reg *lib;
  for (lib = libs; lib->func; lib++) {
    luaL_requiref(L, lib->name, lib->func, 1);
    lua_pop(L, 1);
  }
  lua_getglobal(L, LUA_COLIBNAME);
  lua_getfield(L, -1, "resume");
  lua_getfield(L, -2, "close");
  zd_set_coroutine_originals(lua_tocfunction(L, -2), lua_tocfunction(L, -1));
  lua_pop(L, 3);
  return 0;
}

int zd_openlibs(lua_State *L) {
  lua_pushcfunction(L, openlibs);
  return lua_pcall(L, 0, 0, 0);
}

struct traceback_args { lua_State *co; const char *msg; int level; };

/* Beyond this depth a traceback shows only the innermost frames. */
#define ZD_TRACEBACK_DEEP 1000
#define ZD_TRACEBACK_SHOWN 10

/* How one frame reads in a short traceback: its name when the calling code
** gives one, otherwise what kind of function it is. */
static void describe_frame(lua_State *L, lua_Debug *ar) {
  if (*ar->namewhat != '\0') lua_pushfstring(L, "%s '%s'", ar->namewhat, ar->name);
  else if (*ar->what == 'm') lua_pushliteral(L, "main chunk");
  else if (*ar->what == 'C') lua_pushliteral(L, "?");
  else lua_pushfstring(L, "function <%s:%d>", ar->short_src, ar->linedefined);
}

/*
** The innermost frames of a very deep stack, and a note that the rest are
** left out. luaL_traceback first looks for the last level, and each probe
** (lua_getstack) walks the frames from the top, so on a runaway recursion
** half a million frames deep it took seconds after the error, past the
** run's deadline.
*/
static void short_traceback(lua_State *L, lua_State *co, const char *msg, int level) {
  luaL_Buffer b;
  lua_Debug ar;
  int shown;
  luaL_buffinit(L, &b);
  if (msg != NULL) {
    luaL_addstring(&b, msg);
    luaL_addchar(&b, '\n');
  }
  luaL_addstring(&b, "stack traceback:");
  for (shown = 0; shown < ZD_TRACEBACK_SHOWN && lua_getstack(co, level + shown, &ar); shown++) {
    lua_getinfo(co, "Slnt", &ar);
    if (ar.currentline > 0) lua_pushfstring(L, "\n\t%s:%d: in ", ar.short_src, ar.currentline);
    else lua_pushfstring(L, "\n\t%s: in ", ar.short_src);
    luaL_addvalue(&b);
    describe_frame(L, &ar);
    luaL_addvalue(&b);
    if (ar.istailcall) luaL_addstring(&b, "\n\t(...tail calls...)");
  }
  lua_pushfstring(L, "\n\t...\t(more than %d levels; the rest are not shown)", ZD_TRACEBACK_DEEP);
  luaL_addvalue(&b);
  luaL_pushresult(&b);
}

static int traceback(lua_State *L) {
  struct traceback_args *a = (struct traceback_args *)lua_touserdata(L, 1);
  lua_Debug ar;
  if (lua_getstack(a->co, a->level + ZD_TRACEBACK_DEEP, &ar))
    short_traceback(L, a->co, a->msg, a->level);
  else
    luaL_traceback(L, a->co, a->msg, a->level);
  return 1;
}

int zd_traceback(lua_State *L, lua_State *co, const char *msg, int level) {
  struct traceback_args a = { co, msg, level };
  lua_pushcfunction(L, traceback);
  lua_pushlightuserdata(L, &a);
  return lua_pcall(L, 1, 1, 0);
}

void **zd_extraspace(lua_State *L) { return (void **)lua_getextraspace(L); }

int zd_pcall_trusted(lua_State *L, int nargs, int nresults) {
  return lua_pcall(L, nargs, nresults, 0);
}
