/*
** The few things Swift must not do itself: anything that can longjmp
** (raising Lua errors, yielding from a C function), the allocator, and the
** instruction hook. Swift talks to Lua only through these functions and the
** non-raising parts of the C API.
*/
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdatomic.h>
#include <lua5.4/lua.h>
#include <lua5.4/lauxlib.h>

/* Why a run was stopped; ZD_TRIP_NONE while it may go on. */
typedef enum {
  ZD_TRIP_NONE = 0,
  ZD_TRIP_MEMORY = 1,
  ZD_TRIP_INSTRUCTIONS = 2,
  ZD_TRIP_TIMEOUT = 3,
  ZD_TRIP_OUTPUT = 4,
  ZD_TRIP_INTERRUPT = 5,
  ZD_TRIP_HOST = 6    /* the host asked to stop, e.g. a blast-radius cap */
} zd_trip;

/*
** Limits and accounting shared by every coroutine of one state. Budgets live
** here, not per thread, because coroutine.create copies the hook but a count
** kept per thread would start again from zero in every new coroutine.
*/
typedef struct zd_runtime {
  /* memory */
  size_t mem_used;         /* by Lua's allocator */
  size_t host_used;        /* by Swift on the run's behalf (zd_host_charge) */
  size_t mem_limit;        /* 0 = unlimited; covers mem_used + host_used */
  size_t mem_peak;
  int enforce;             /* the limit applies only while Lua code runs */
  /* the request the allocator refused last, until the next request: Lua
  ** retries a refused request once after an emergency collection, and that
  ** retry must be refused too (see zd_alloc) */
  int refusal_pending;
  void *refused_ptr;
  size_t refused_osize, refused_nsize;
  /* instructions */
  int64_t instructions;    /* executed so far, in hook steps */
  int64_t max_instructions;/* 0 = unlimited */
  /* Set from other threads (the watchdog, Ctrl-C): a C11 atomic, read
  ** with zd_charge on the Lua thread. Swift cannot see _Atomic fields; it
  ** goes through zd_interrupt and zd_watch. */
  _Atomic int interrupt;   /* zd_trip to raise at the next hook */
  /* The innermost Lua thread being resumed, which a poke hooks. Written on
  ** the Lua thread and read by the poke's signal handler on that same
  ** thread: an atomic, because only lock-free atomics (and volatile
  ** sig_atomic_t) are safe to share with a signal handler. */
  _Atomic(lua_State *) running;
  /* Set once by zd_bind_thread before any watchdog starts (LuaHost's init
  ** waits for it), then only read. */
  pthread_t os_thread;     /* the OS thread the state lives on */
  int bound;               /* os_thread is set (zd_bind_thread) */
  /* The verdict: written only on the Lua thread (zd_trip_set), message
  ** first, then the kind with release order; the watchdog reads the kind.
  ** Swift reads it with zd_trip_kind. */
  _Atomic int tripped;     /* zd_trip */
  char trip_message[256];
} zd_runtime;

/* The trip recorded so far (ZD_TRIP_NONE while the run may go on); any thread. */
int zd_trip_kind(zd_runtime *rt);

/* Ask the running code to stop with the given zd_trip, from any thread
** (a signal handler too: one lock-free atomic store). */
void zd_interrupt(zd_runtime *rt, int kind);

/* Clear the trip and any pending interrupt before a run (Lua thread). */
void zd_clear_trip(zd_runtime *rt);

/* Ctrl-C for an interactive session (interrupt_signal.c): install a SIGINT
** handler that interrupts rt's run and notes the press; remove it; and
** whether Ctrl-C was pressed since the last call (clears the note). */
void zd_sigint_install(zd_runtime *rt);
void zd_sigint_uninstall(void);
int zd_sigint_take(void);

/* One watchdog tick, on the watchdog's thread: a timeout once the deadline
** has passed (unless another interrupt came first), then a poke while an
** interrupt is pending or a limit tripped. */
void zd_watch(zd_runtime *rt, int deadline_passed);

/* Results of the Swift side of a host function (see zd_trampoline). */
#define ZD_HOST_ERROR  (-1)  /* error value on top of the stack: raise it */
#define ZD_HOST_YIELD  (-2)  /* yield the values Swift pushed (count in *nyield) */

/*
** The Swift dispatcher: called by the trampoline with the function id stored
** in the closure's first upvalue. Returns a result count (>= 0) or one of the
** ZD_HOST_* codes. It must never raise a Lua error.
*/
typedef int (*zd_dispatch_fn)(lua_State *L, int64_t fnid, int *nyield);
void zd_set_dispatch(zd_dispatch_fn fn);

/* Instructions between two hook calls when an instruction limit is set:
** small enough to react fast, large enough that the hook itself is cheap.
** Without an instruction limit no hook runs at all (a count hook makes the
** VM check every instruction, which doubles the cost of tight loops); the
** other limits are enforced by pokes (zd_poke). */
#define ZD_HOOK_STEP 1000

/* The signal a poke sends to the Lua thread. */
#define ZD_POKE_SIGNAL SIGURG

/* Record the calling OS thread as the state's own and let pokes reach it:
** installs the signal handler (once per process) and unblocks the signal in
** this thread. Call on the Lua thread before any code runs. */
void zd_bind_thread(zd_runtime *rt);

/* Make the running Lua code check its limits at its next instruction, from
** any thread: the Lua thread's signal handler installs a one-instruction
** hook on the innermost running coroutine, as lua.c does on Ctrl-C. The
** hook raises the trip if one is pending and removes itself otherwise. */
void zd_poke(zd_runtime *rt);

/* Install the hook a run starts with on L: a count hook when an instruction
** limit is set, none otherwise. */
void zd_sethook_base(lua_State *L);

/* A new state using the runtime's allocator and hook. NULL on failure. */
lua_State *zd_newstate(zd_runtime *rt);
zd_runtime *zd_runtime_of(lua_State *L);

/* Push a host function: a C closure calling the dispatcher with fnid. */
void zd_pushhostfunction(lua_State *L, int64_t fnid);

/* Resume a coroutine with the memory limit enforced. */
int zd_resume(lua_State *co, lua_State *from, int nargs, int *nres);

/* coroutine.resume and coroutine.close that keep rt->running up to date.
** Install with zd_set_coroutine_originals first (the library's functions). */
void zd_set_coroutine_originals(lua_CFunction resume, lua_CFunction close);
int zd_co_resume(lua_State *L);
int zd_co_close(lua_State *L);

/* Load a chunk in text mode only; name is the chunkname ("@file" or "=name"). */
int zd_loadtext(lua_State *L, const char *code, size_t len, const char *name);

/* Open the safe standard libraries (base, string, table, math, utf8,
** coroutine, os) into the state's global table. Protected: returns a status. */
int zd_openlibs(lua_State *L);

/* Sandbox replacements, installed by the Lua host's prelude. */
int zd_pcall(lua_State *L);
int zd_xpcall(lua_State *L);
int zd_load(lua_State *L);
int zd_tripped(lua_State *L);       /* Lua: returns trip message or nil */
int zd_raise_if_tripped(lua_State *L); /* Lua: raises the trip error if tripped */
int zd_str_find(lua_State *L);
int zd_str_match(lua_State *L);
int zd_str_gmatch(lua_State *L);
int zd_str_gsub(lua_State *L);

/* Add executed steps to the shared budget and check every limit; returns
** the trip (ZD_TRIP_NONE while the run may go on). Does not raise. */
int zd_charge(zd_runtime *rt, int64_t steps);

/* Record a trip (from C or Swift; does not raise). */
void zd_trip_set(zd_runtime *rt, int kind, const char *message);

/* Charge bytes that Swift holds for the run (decoded or converted values,
** formatted text) to the run's memory budget, shared with Lua's allocator.
** Returns ZD_TRIP_NONE, or ZD_TRIP_MEMORY after recording the trip when
** the budget cannot hold them (the bytes are charged either way; the host
** resets host_used once it has dropped or handed on the values). */
int zd_host_charge(zd_runtime *rt, size_t bytes);

/* Whether bytes more (from Lua or Swift) would still fit in the budget.
** Records the memory trip and returns 0 when they would not. */
int zd_memory_room(zd_runtime *rt, size_t bytes);

/* Push json.decode, a C closure, with two upvalues already pushed: the
** json.null token and the array marker metatable. */
void zd_push_json_decode(lua_State *L);

/* Build "msg\nstack traceback: ..." for a (possibly dead) coroutine. Protected. */
int zd_traceback(lua_State *L, lua_State *co, const char *msg, int level);

/* The release string compiled into the linked library, e.g. "Lua 5.4.4". */
const char *zd_lua_release(void);

/* The LUA_EXTRASPACE block of a thread (copied from the main thread by
** lua_newthread): the host keeps a pointer to itself there. */
void **zd_extraspace(lua_State *L);

/* Protected call of the function on top with nargs arguments, for trusted
** host setup code. Returns a status; the error message is left on top. */
int zd_pcall_trusted(lua_State *L, int nargs, int nresults);
