/*
** Ctrl-C in an interactive session. A plain sigaction handler, not a
** dispatch source, because libedit forwards the signal to whatever handler
** was installed when it began reading a line. The handler does only what
** is safe there: lock-free atomic loads and stores, no allocation, no
** reference counting (which Swift code in a handler could not promise).
*/
#include <signal.h>
#include <string.h>
#include "internal.h"

/* The runtime a Ctrl-C interrupts; NULL once uninstalled. */
static _Atomic(zd_runtime *) sigint_target = NULL;
/* A Ctrl-C arrived since the last zd_sigint_take. SIGINT goes to any thread
** that does not block it, so this is an atomic, not a sig_atomic_t. */
static atomic_int sigint_pending = 0;

static void on_sigint(int sig) {
  zd_runtime *rt = atomic_load_explicit(&sigint_target, memory_order_acquire);
  (void)sig;
  atomic_store_explicit(&sigint_pending, 1, memory_order_release);
  if (rt != NULL) zd_interrupt(rt, ZD_TRIP_INTERRUPT);
}

void zd_sigint_install(zd_runtime *rt) {
  struct sigaction sa;
  atomic_store_explicit(&sigint_target, rt, memory_order_release);
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sa.sa_flags = 0;  /* no SA_RESTART: a blocked read returns */
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
}

void zd_sigint_uninstall(void) {
  signal(SIGINT, SIG_DFL);
  atomic_store_explicit(&sigint_target, NULL, memory_order_release);
}

int zd_sigint_take(void) {
  return atomic_exchange_explicit(&sigint_pending, 0, memory_order_acq_rel);
}
