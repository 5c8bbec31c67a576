/*
** string.find, match, gmatch and gsub for the sandbox.
**
** Written here from the Lua 5.4 manual's definition of patterns (§6.4.1).
** Tests/LuaHostTests/PatternDiffTests.swift checks that its answers agree
** with the system Lua's string functions.
**
** Why our own matcher: a backtracking pattern can run for hours inside one
** C call, where the instruction hook never fires. Here a pattern is first
** compiled to a flat list of items, then run by one loop with an explicit
** backtracking stack, so the step budget, the wall clock and Ctrl-C are
** checked in one place and no C recursion grows with the pattern.
**
** Errors in a pattern are compiled into an error item and raised only when
** a match attempt reaches it, because scripts rely on the standard library's
** laziness ("a%" never fails against a subject without an 'a').
*/
#include <ctype.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "zdshim.h"

/* Scripts must see the standard library's limits: at most 32 captures, and
** "pattern too complex" once 200 items are pending on one path (the nesting
** the standard matcher allows; counted by the same rules, see ENTER). */
#define ZD_MAXCAPTURES 32
#define ZD_MAXCALLS 200
/* Items run between two looks at the budget; a look costs a few loads. */
#define ZD_MATCH_STEP 1000
/* Patterns up to this many bytes compile into a buffer on the C stack. */
#define ZD_SMALLPAT 64

#define CAP_OPEN (-1)  /* capture started, not closed yet */
#define CAP_POS (-2)   /* position capture "()" */

enum op {
  OP_END,    /* the whole pattern matched */
  OP_CHAR,   /* one literal byte (c) */
  OP_ANY,    /* '.' */
  OP_SET,    /* a class or [set]: byte in set */
  OP_OPEN,   /* '(' starts capture x */
  OP_POS,    /* '()' position capture x */
  OP_CLOSE,  /* ')' closes capture x */
  OP_EOS,    /* '$' at the end of the pattern */
  OP_BAL,    /* %bcd */
  OP_FRONT,  /* %f[set] */
  OP_BACK,   /* %1-%9: the text of capture x again */
  OP_ERR     /* malformed from here on: raise error x */
};

enum quant { Q_ONE, Q_STAR, Q_PLUS, Q_MIN, Q_OPT };

enum perr {
  E_ENDPCT, E_BRACKET, E_BALARGS, E_FRONT, E_CAPIDX, E_PATCAP, E_TOOMANY
};

typedef struct zd_item {
  unsigned char op, q, c, d;   /* c: byte, %b opener, capture index; d: %b closer */
  int x;                       /* capture index, error code */
  const uint32_t *set;         /* OP_SET, OP_FRONT: 256-bit membership */
} zd_item;

/* One pending alternative: item pc, where it started (s), how many more
** bytes a greedy item may give back (n), and the nesting when it was made. */
typedef struct zd_alt {
  const char *s;
  size_t n;
  int pc, calls;
} zd_alt;

typedef struct zd_prog {
  int ncap;        /* captures the pattern makes when it matches */
  zd_item *item;
  uint32_t *sets;  /* 8 words per [set] */
  zd_alt *alt;     /* room for one alternative per quantified item */
} zd_prog;

typedef struct zd_match {
  lua_State *L;
  zd_runtime *rt;
  const char *src, *end;  /* the subject */
  const zd_prog *pg;
  int steps;              /* items until the next budget look */
  struct { const char *init; ptrdiff_t len; } cap[ZD_MAXCAPTURES];
} zd_match;


/* ---- character classes ---- */

/* Bitmaps for %a %c %d %g %l %p %s %u %w %x and their complements, built
** once from <ctype.h> (the same functions the system Lua uses). %z (the
** NUL byte) is gone from the manual but the system Lua still has it, and
** scripts must not see a difference. */
static const char zd_classnames[] = "acdglpsuwxz";
#define ZD_NCLASS 11
static uint32_t zd_classbits[2 * ZD_NCLASS][8];
static pthread_once_t zd_classonce = PTHREAD_ONCE_INIT;

static int zd_inclass(int ch, int cls) {
  switch (cls) {
    case 'a': return isalpha(ch);
    case 'c': return iscntrl(ch);
    case 'd': return isdigit(ch);
    case 'g': return isgraph(ch);
    case 'l': return islower(ch);
    case 'p': return ispunct(ch);
    case 's': return isspace(ch);
    case 'u': return isupper(ch);
    case 'w': return isalnum(ch);
    case 'x': return isxdigit(ch);
    default:  return ch == 0;
  }
}

static void zd_buildclasses(void) {
  for (int k = 0; k < ZD_NCLASS; k++)
    for (int ch = 0; ch < 256; ch++)
      if (zd_inclass(ch, zd_classnames[k])) zd_classbits[k][ch >> 5] |= 1u << (ch & 31);
      else zd_classbits[k + ZD_NCLASS][ch >> 5] |= 1u << (ch & 31);
}

/* The bitmap of class letter cl (upper case: complement), or NULL if cl is
** not a class letter and "%cl" means the byte cl itself. */
static const uint32_t *zd_classof(int cl) {
  const char *at = strchr(zd_classnames, tolower(cl));
  if (cl == 0 || at == NULL) return NULL;
  pthread_once(&zd_classonce, zd_buildclasses);
  return zd_classbits[(at - zd_classnames) + (isupper(cl) ? ZD_NCLASS : 0)];
}

#define inset(set, ch) (((set)[(unsigned char)(ch) >> 5] >> ((unsigned char)(ch) & 31)) & 1u)

static void zd_setbit(uint32_t *set, int ch) { set[ch >> 5] |= 1u << (ch & 31); }


/* ---- compiling ---- */

/* Fill set from the members between first and close (the ']'): escapes
** (%a, %]), ranges x-y, single bytes; a leading '^' was taken by the
** caller and is applied at the end. A '-' that has no byte after it
** before the ']' is itself a member, as the manual's examples rely on. */
static void zd_fillset(uint32_t *set, const char *m, const char *close, int negate) {
  memset(set, 0, 8 * sizeof(uint32_t));
  for (; m < close; m++) {
    if (*m == '%') {
      const uint32_t *cls;
      m++;
      if ((cls = zd_classof((unsigned char)*m)) != NULL)
        for (int w = 0; w < 8; w++) set[w] |= cls[w];
      else zd_setbit(set, (unsigned char)*m);
    }
    else if (m[1] == '-' && m + 2 < close) {
      for (int ch = (unsigned char)m[0]; ch <= (unsigned char)m[2]; ch++) zd_setbit(set, ch);
      m += 2;
    }
    else zd_setbit(set, (unsigned char)*m);
  }
  if (negate)
    for (int w = 0; w < 8; w++) set[w] = ~set[w];
}

/* Find the ']' closing the set that starts at open ('['); NULL if the
** pattern ends first. The first member may be ']' itself ("[]]"), and an
** escaped byte never closes ("[%]]"). */
static const char *zd_setend(const char *open, const char *pend, const char **first) {
  const char *m = open + 1;
  if (m < pend && *m == '^') m++;
  *first = m;
  do {
    if (m >= pend) return NULL;
    if (*m++ == '%' && m < pend) m++;
  } while (m >= pend || *m != ']');
  return m;
}

/* Upper bounds of the items, sets and alternatives a pattern compiles to,
** so one allocation holds the whole program. */
static void zd_measure(const char *p, size_t lp, size_t *nitem, size_t *nset, size_t *nalt) {
  size_t sets = 0, alts = 0;
  for (size_t i = 0; i < lp; i++) {
    switch (p[i]) {
      case '[': sets++; break;
      case '*': case '+': case '-': case '?': alts++; break;
      default: break;
    }
  }
  *nitem = lp + 1;
  *nset = sets;
  *nalt = alts;
}

static size_t zd_progsize(size_t nitem, size_t nset, size_t nalt) {
  return nitem * sizeof(zd_item) + nset * 8 * sizeof(uint32_t) + nalt * sizeof(zd_alt);
}

/* Point pg's arrays into mem (zd_progsize bytes; zd_alt first for its
** alignment). */
static void zd_layout(zd_prog *pg, void *mem, size_t nset, size_t nalt) {
  pg->alt = (zd_alt *)mem;
  pg->sets = (uint32_t *)(pg->alt + nalt);
  pg->item = (zd_item *)(pg->sets + 8 * nset);
}

/* The state of one compilation: the next item, sets and captures used. */
typedef struct zd_compiler {
  zd_prog *pg;
  zd_item *it;
  unsigned char open[ZD_MAXCAPTURES];  /* captures started and not closed */
  int nopen, ncap, nsets;
} zd_compiler;

/* Mark the current item as the error x; compilation stops at it. */
static void zd_compileerr(zd_compiler *cc, int x) {
  cc->it->op = OP_ERR; cc->it->x = x; cc->it++;
}

/* A set [..] at p into the current item (op); the byte after it, or NULL. */
static const char *zd_compileset(zd_compiler *cc, int op, const char *p, const char *pend) {
  const char *first, *close = zd_setend(p, pend, &first);
  if (close == NULL) { zd_compileerr(cc, E_BRACKET); return NULL; }
  cc->it->op = op;
  cc->it->set = cc->pg->sets + 8 * cc->nsets++;
  zd_fillset((uint32_t *)cc->it->set, first, close, p[1] == '^');
  return close + 1;
}

/* '(' or ')' at p; the byte after it, or NULL on an error item. */
static const char *zd_compilecapture(zd_compiler *cc, const char *p, const char *pend) {
  zd_item *it = cc->it;
  if (*p == ')') {
    if (cc->nopen == 0) { zd_compileerr(cc, E_PATCAP); return NULL; }
    it->op = OP_CLOSE;
    it->c = cc->open[--cc->nopen];
    cc->it++;
    return p + 1;
  }
  if (cc->ncap >= ZD_MAXCAPTURES) { zd_compileerr(cc, E_TOOMANY); return NULL; }
  if (p + 1 < pend && p[1] == ')') { it->op = OP_POS; p += 2; }
  else { it->op = OP_OPEN; cc->open[cc->nopen++] = (unsigned char)cc->ncap; p++; }
  it->c = (unsigned char)cc->ncap++;
  cc->it++;
  return p;
}

/* %b, %f or %1-%9 at p (p[1] is e); the byte after it, NULL on an error
** item, or p itself when it is none of these (a single-byte item). */
static const char *zd_compilespecial(zd_compiler *cc, const char *p, const char *pend) {
  zd_item *it = cc->it;
  int e = (unsigned char)p[1];
  if (e == 'b') {
    if (pend - p < 4) { zd_compileerr(cc, E_BALARGS); return NULL; }
    it->op = OP_BAL; it->c = (unsigned char)p[2]; it->d = (unsigned char)p[3];
    cc->it++;
    return p + 4;
  }
  if (e == 'f') {
    const char *next;
    p += 2;
    if (p >= pend || *p != '[') { zd_compileerr(cc, E_FRONT); return NULL; }
    if ((next = zd_compileset(cc, OP_FRONT, p, pend)) == NULL) return NULL;
    cc->it++;
    return next;
  }
  if (isdigit(e)) {
    /* A back-reference must name a capture that is closed by now;
    ** captures are numbered by their '(' so this is known here. */
    int l = e - '1', ok = l >= 0 && l < cc->ncap;
    for (int k = 0; ok && k < cc->nopen; k++) if (cc->open[k] == l) ok = 0;
    if (!ok) { it->c = (unsigned char)(e - '0'); zd_compileerr(cc, E_CAPIDX); return NULL; }
    it->op = OP_BACK; it->c = (unsigned char)l;
    cc->it++;
    return p + 2;
  }
  return p;
}

/* A single-byte item at p, maybe followed by a quantifier; the byte after
** it, or NULL on an error item. */
static const char *zd_compilesingle(zd_compiler *cc, const char *p, const char *pend) {
  zd_item *it = cc->it;
  const char *next;
  if (*p == '%') {
    if (p + 1 >= pend) { zd_compileerr(cc, E_ENDPCT); return NULL; }
    if ((it->set = zd_classof((unsigned char)p[1])) != NULL) it->op = OP_SET;
    else { it->op = OP_CHAR; it->c = (unsigned char)p[1]; }
    next = p + 2;
  }
  else if (*p == '[') {
    if ((next = zd_compileset(cc, OP_SET, p, pend)) == NULL) return NULL;
  }
  else if (*p == '.') { it->op = OP_ANY; next = p + 1; }
  else { it->op = OP_CHAR; it->c = (unsigned char)*p; next = p + 1; }
  it->q = Q_ONE;
  if (next < pend) {
    switch (*next) {
      case '*': it->q = Q_STAR; next++; break;
      case '+': it->q = Q_PLUS; next++; break;
      case '-': it->q = Q_MIN; next++; break;
      case '?': it->q = Q_OPT; next++; break;
      default: break;
    }
  }
  cc->it++;
  return next;
}

/* Compile p into pg's arrays, which zd_measure sized. An error becomes an
** OP_ERR item that ends the program (raised when the match reaches it). */
static void zd_compile(zd_prog *pg, const char *p, size_t lp) {
  const char *pend = p + lp;
  zd_compiler cc;
  cc.pg = pg; cc.it = pg->item; cc.nopen = 0; cc.ncap = 0; cc.nsets = 0;
  while (p < pend) {
    const char *next;
    memset(cc.it, 0, sizeof *cc.it);
    if (*p == '(' || *p == ')') next = zd_compilecapture(&cc, p, pend);
    else if (*p == '$' && p + 1 == pend) { cc.it->op = OP_EOS; cc.it++; next = p + 1; }
    else if (*p == '%' && p + 1 < pend && (next = zd_compilespecial(&cc, p, pend)) != p) { /* done */ }
    else next = zd_compilesingle(&cc, p, pend);
    if (next == NULL) break;
    p = next;
  }
  if (p >= pend) { memset(cc.it, 0, sizeof *cc.it); cc.it->op = OP_END; }
  pg->ncap = cc.ncap;
}

static int zd_raiseitem(lua_State *L, const zd_item *it) {
  switch (it->x) {
    case E_ENDPCT:  return luaL_error(L, "malformed pattern (ends with '%%')");
    case E_BRACKET: return luaL_error(L, "malformed pattern (missing ']')");
    case E_BALARGS: return luaL_error(L, "malformed pattern (missing arguments to '%%b')");
    case E_FRONT:   return luaL_error(L, "missing '[' after '%%f' in pattern");
    case E_CAPIDX:  return luaL_error(L, "invalid capture index %%%d", (int)it->c);
    case E_PATCAP:  return luaL_error(L, "invalid pattern capture");
    default:        return luaL_error(L, "too many captures");
  }
}


/* ---- running ---- */

/* Charge ZD_MATCH_STEP items to the shared budget and stop if a limit
** tripped: the instruction limit, the wall clock and Ctrl-C reach a long
** match like any Lua loop. Same contract as the rest of the shim: a Lua
** error carrying the trip message (the hook keeps failing the thread, so a
** pcall around the match cannot go on). No runtime: a plain state. */
static void zd_matchcharge(zd_match *ms) {
  int64_t used = (int64_t)ZD_MATCH_STEP - ms->steps;
  ms->steps = ZD_MATCH_STEP;
  if (ms->rt != NULL && zd_charge(ms->rt, used) != ZD_TRIP_NONE)
    luaL_error(ms->L, "%s", ms->rt->trip_message);
}

/* A scan over n bytes inside one item (a greedy run, %b) costs a step per
** ZD_SCAN_BYTES: "a*a*b" against a long run of a's rescans the run at every
** backtrack, and the wall clock must still be looked at every so often. */
#define ZD_SCAN_BYTES 64
static inline void zd_chargescan(zd_match *ms, size_t n) {
  if (n >= ZD_SCAN_BYTES) {
    ms->steps -= (int)((n > ((size_t)1 << 30) ? ((size_t)1 << 30) : n) / ZD_SCAN_BYTES);
    if (ms->steps <= 0) zd_matchcharge(ms);
  }
}

static inline int zd_single(const zd_item *it, const char *s, const char *end) {
  if (s >= end) return 0;
  switch (it->op) {
    case OP_CHAR: return (unsigned char)*s == it->c;
    case OP_ANY:  return 1;
    default:      return (int)inset(it->set, *s);
  }
}

/* Every step into the rest of the pattern that the standard matcher makes
** as a nested call (captures, and a quantified item that matched) counts
** one level; past ZD_MAXCALLS the pattern is "too complex", as there. */
#define ENTER() do { \
    if (calls >= ZD_MAXCALLS) luaL_error(ms->L, "pattern too complex"); \
    calls++; \
  } while (0)

/* The registers of one run: where in the subject, where in the program,
** how deep in the standard matcher's terms, and the alternatives left. */
typedef struct zd_regs {
  const char *s;
  int pc, calls;
  zd_alt *top;
} zd_regs;

#define PUSHALT(r, from, count) do { \
    (r)->top->s = (from); (r)->top->n = (count); (r)->top->pc = (r)->pc; \
    (r)->top->calls = (r)->calls; (r)->top++; \
  } while (0)

/* A character, '.' or set item with its quantifier; 0: it failed here. */
static int zd_stepsingle(zd_match *ms, const zd_item *it, zd_regs *r) {
  const char *end = ms->end;
  int calls = r->calls;
  switch (it->q) {
    case Q_ONE:
      if (!zd_single(it, r->s, end)) return 0;
      r->s++;
      break;
    case Q_OPT:
      if (zd_single(it, r->s, end)) { PUSHALT(r, r->s, 0); ENTER(); r->s++; }
      break;
    case Q_MIN:
      if (zd_single(it, r->s, end)) { PUSHALT(r, r->s, 0); ENTER(); }
      break;
    default: {  /* Q_STAR, Q_PLUS: longest run first, give back on failure */
      const char *from = r->s;
      size_t n = 0;
      if (!zd_single(it, r->s, end)) {
        if (it->q == Q_PLUS) return 0;
        break;
      }
      if (it->q == Q_PLUS) from = r->s + 1;
      while (zd_single(it, from + n, end)) n++;
      zd_chargescan(ms, n);
      PUSHALT(r, from, n);
      ENTER();
      r->s = from + n;
      break;
    }
  }
  r->calls = calls;
  r->pc++;
  return 1;
}

/* %bxy at s: the end of the balanced run, or NULL. */
static const char *zd_stepbal(zd_match *ms, const zd_item *it, const char *s) {
  const char *end = ms->end, *from = s;
  int depth = 1;
  if (s >= end || (unsigned char)*s != it->c) return NULL;
  /* The closer is tested first, so %baa pairs neighbours. */
  while (++s < end) {
    if ((unsigned char)*s == it->d) { if (--depth == 0) break; }
    else if ((unsigned char)*s == it->c) depth++;
  }
  zd_chargescan(ms, (size_t)(s - from));
  return s >= end ? NULL : s + 1;
}

/* Take the newest alternative that is left into r; 0: none, no match here. */
static int zd_backtrack(zd_match *ms, zd_alt *base, zd_regs *r) {
  const zd_item *item = ms->pg->item;
  int calls;
  for (;;) {
    zd_alt *a;
    const zd_item *ai;
    if (r->top == base) return 0;
    a = r->top - 1;
    ai = &item[a->pc];
    if (ai->q == Q_OPT) {
      r->s = a->s; r->pc = a->pc + 1; r->calls = a->calls; r->top--;
      return 1;
    }
    if (ai->q == Q_MIN) {
      if (!zd_single(ai, a->s, ms->end)) { r->top--; continue; }
      a->s++;
      calls = a->calls;
      ENTER();
      r->s = a->s; r->pc = a->pc + 1; r->calls = calls;
      return 1;
    }
    if (a->n == 0) { r->top--; continue; }
    a->n--;
    calls = a->calls;
    ENTER();
    r->s = a->s + a->n; r->pc = a->pc + 1; r->calls = calls;
    return 1;
  }
}

/* One item that is not a single character/set: 0 when it failed here. */
static int zd_stepother(zd_match *ms, const zd_item *it, zd_regs *r) {
  int calls = r->calls;
  switch (it->op) {
    case OP_OPEN: case OP_POS: case OP_CLOSE:
      if (it->op == OP_CLOSE) ms->cap[it->c].len = r->s - ms->cap[it->c].init;
      else { ms->cap[it->c].init = r->s; ms->cap[it->c].len = it->op == OP_OPEN ? CAP_OPEN : CAP_POS; }
      ENTER();
      r->calls = calls;
      break;
    case OP_EOS:
      if (r->s != ms->end) return 0;
      break;
    case OP_BAL: {
      const char *after = zd_stepbal(ms, it, r->s);
      if (after == NULL) return 0;
      r->s = after;
      break;
    }
    case OP_FRONT: {
      /* Outside the subject counts as '\0', on both sides. */
      int prev = r->s == ms->src ? 0 : (unsigned char)r->s[-1];
      int cur = r->s < ms->end ? (unsigned char)*r->s : 0;
      if (inset(it->set, prev) || !inset(it->set, cur)) return 0;
      break;
    }
    default: {  /* OP_BACK */
      ptrdiff_t len = ms->cap[it->c].len;
      /* A position capture has no text, so it never matches again. */
      if (len < 0 || ms->end - r->s < len || memcmp(ms->cap[it->c].init, r->s, (size_t)len) != 0) return 0;
      r->s += len;
      break;
    }
  }
  r->pc++;
  return 1;
}

/* Match the program at s; the end of the match, or NULL. */
static const char *zd_run(zd_match *ms, const char *s) {
  const zd_item *item = ms->pg->item;
  zd_alt *base = ms->pg->alt;
  zd_regs r;
  r.s = s; r.pc = 0; r.calls = 1; r.top = base;
  for (;;) {
    const zd_item *it = &item[r.pc];
    int ok;
    if (--ms->steps <= 0) zd_matchcharge(ms);
    switch (it->op) {
      case OP_END:
        return r.s;
      case OP_CHAR: case OP_ANY: case OP_SET:
        ok = zd_stepsingle(ms, it, &r);
        break;
      case OP_OPEN: case OP_POS: case OP_CLOSE: case OP_EOS: case OP_BAL: case OP_FRONT: case OP_BACK:
        ok = zd_stepother(ms, it, &r);
        break;
      default:
        zd_raiseitem(ms->L, it);
        return NULL;
    }
    if (ok) continue;
    if (!zd_backtrack(ms, base, &r)) return NULL;
    if (--ms->steps <= 0) zd_matchcharge(ms);
  }
}


/* ---- captures to Lua values ---- */

/* Push capture i, or the whole match s..e when the pattern has none and i is 0. */
static void zd_pushcap(zd_match *ms, int i, const char *s, const char *e) {
  if (i >= ms->pg->ncap) {
    if (i != 0) luaL_error(ms->L, "invalid capture index %%%d", i + 1);
    lua_pushlstring(ms->L, s, (size_t)(e - s));
    return;
  }
  if (ms->cap[i].len == CAP_OPEN) luaL_error(ms->L, "unfinished capture");
  if (ms->cap[i].len == CAP_POS)
    lua_pushinteger(ms->L, (lua_Integer)(ms->cap[i].init - ms->src) + 1);
  else
    lua_pushlstring(ms->L, ms->cap[i].init, (size_t)ms->cap[i].len);
}

/* Push every capture (the whole match if none and s is given); their number. */
static int zd_pushcaps(zd_match *ms, const char *s, const char *e) {
  int n = (ms->pg->ncap == 0 && s != NULL) ? 1 : ms->pg->ncap;
  luaL_checkstack(ms->L, n, "too many captures");
  for (int i = 0; i < n; i++) zd_pushcap(ms, i, s, e);
  return n;
}


/* ---- the entry points ---- */

/* A program and its alternatives: on the C stack for short patterns (no
** allocation on the common path), otherwise in a userdata left on the Lua
** stack, which the memory limit sees and the collector frees even when a
** match raises. */
typedef struct zd_small {
  zd_alt alt[ZD_SMALLPAT];
  zd_item item[ZD_SMALLPAT + 1];
  uint32_t sets[ZD_SMALLPAT / 2][8];
} zd_small;

static void zd_prepare(zd_match *ms, zd_prog *pg, zd_small *small, lua_State *L,
                       const char *s, size_t ls, const char *p, size_t lp) {
  size_t nitem, nset, nalt;
  zd_measure(p, lp, &nitem, &nset, &nalt);
  if (small != NULL && nitem <= ZD_SMALLPAT + 1 && nset <= ZD_SMALLPAT / 2 && nalt <= ZD_SMALLPAT) {
    pg->alt = small->alt;
    pg->sets = &small->sets[0][0];
    pg->item = small->item;
  }
  else
    zd_layout(pg, lua_newuserdatauv(L, zd_progsize(nitem, nset, nalt), 0), nset, nalt);
  zd_compile(pg, p, lp);
  ms->L = L;
  ms->rt = zd_runtime_of(L);
  ms->src = s;
  ms->end = s + ls;
  ms->pg = pg;
  ms->steps = ZD_MATCH_STEP;
}

/* Position pos of a string of len bytes, 1-based, negatives from the end,
** clipped to 1 below; as string.find reads its init. */
static size_t zd_startpos(lua_Integer pos, size_t len) {
  if (pos > 0) return (size_t)pos;
  if (pos == 0) return 1;
  if (pos < -(lua_Integer)len) return 1;
  return len + (size_t)pos + 1;
}

/* True if p has none of the bytes that make a pattern more than text. */
static int zd_plaintext(const char *p, size_t lp) {
  for (size_t i = 0; i < lp; i++)
    switch (p[i]) {
      case '^': case '$': case '*': case '+': case '?':
      case '.': case '(': case '[': case '%': case '-':
        return 0;
      default: break;
    }
  return 1;
}

/* First occurrence of p (lp bytes) in s (ls bytes), or NULL. */
static const char *zd_findtext(const char *s, size_t ls, const char *p, size_t lp) {
  const char *end;
  if (lp == 0) return s;
  if (lp > ls) return NULL;
  end = s + (ls - lp) + 1;  /* last place p can start, plus one */
  while (s < end) {
    const char *hit = memchr(s, *p, (size_t)(end - s));
    if (hit == NULL) return NULL;
    if (memcmp(hit + 1, p + 1, lp - 1) == 0) return hit;
    s = hit + 1;
  }
  return NULL;
}

static int zd_findaux(lua_State *L, int find) {
  size_t ls, lp;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  size_t init = zd_startpos(luaL_optinteger(L, 3, 1), ls) - 1;
  if (init > ls) {  /* starts after the end: nothing, not even "" */
    luaL_pushfail(L);
    return 1;
  }
  if (find && (lua_toboolean(L, 4) || zd_plaintext(p, lp))) {
    const char *hit = zd_findtext(s + init, ls - init, p, lp);
    if (hit != NULL) {
      lua_pushinteger(L, (lua_Integer)(hit - s) + 1);
      lua_pushinteger(L, (lua_Integer)(hit - s + lp));
      return 2;
    }
  }
  else {
    zd_match ms;
    zd_prog pg;
    zd_small small;
    const char *at = s + init;
    int anchor = lp > 0 && *p == '^';
    if (anchor) { p++; lp--; }
    zd_prepare(&ms, &pg, &small, L, s, ls, p, lp);
    do {
      const char *e = zd_run(&ms, at);
      if (e != NULL) {
        if (find) {
          lua_pushinteger(L, (lua_Integer)(at - s) + 1);
          lua_pushinteger(L, (lua_Integer)(e - s));
          return zd_pushcaps(&ms, NULL, NULL) + 2;
        }
        return zd_pushcaps(&ms, at, e);
      }
    } while (at++ < ms.end && !anchor);
  }
  luaL_pushfail(L);
  return 1;
}

int zd_str_find(lua_State *L) { return zd_findaux(L, 1); }

int zd_str_match(lua_State *L) { return zd_findaux(L, 0); }


/* gmatch's iterator state, the compiled program after it. '^' is an
** ordinary byte here: an anchor would stop the iteration after one match. */
typedef struct zd_gmatch {
  zd_prog pg;
  size_t pos;       /* where the next search starts */
  ptrdiff_t last;   /* end of the last match, -1 before the first */
} zd_gmatch;

static int zd_gmatchstep(lua_State *L) {
  size_t ls;
  const char *s = lua_tolstring(L, lua_upvalueindex(1), &ls);
  zd_gmatch *gm = (zd_gmatch *)lua_touserdata(L, lua_upvalueindex(3));
  zd_match ms;
  ms.L = L;
  ms.rt = zd_runtime_of(L);
  ms.src = s;
  ms.end = s + ls;
  ms.pg = &gm->pg;
  ms.steps = ZD_MATCH_STEP;
  for (size_t at = gm->pos; at <= ls; at++) {
    const char *e = zd_run(&ms, s + at);
    /* An empty match right where the last one ended would repeat it. */
    if (e != NULL && (e - s) != gm->last) {
      gm->pos = (size_t)(e - s);
      gm->last = e - s;
      return zd_pushcaps(&ms, s + at, e);
    }
  }
  gm->pos = ls + 1;  /* done: later calls return nothing at once */
  return 0;
}

int zd_str_gmatch(lua_State *L) {
  size_t ls, lp, nitem, nset, nalt;
  const char *p;
  zd_gmatch *gm;
  luaL_checklstring(L, 1, &ls);
  p = luaL_checklstring(L, 2, &lp);
  size_t init = zd_startpos(luaL_optinteger(L, 3, 1), ls) - 1;
  if (init > ls) init = ls + 1;
  lua_settop(L, 2);  /* the closure keeps both strings alive */
  zd_measure(p, lp, &nitem, &nset, &nalt);
  gm = (zd_gmatch *)lua_newuserdatauv(L, sizeof(zd_gmatch) + zd_progsize(nitem, nset, nalt), 0);
  zd_layout(&gm->pg, gm + 1, nset, nalt);
  zd_compile(&gm->pg, p, lp);
  gm->pos = init;
  gm->last = -1;
  lua_pushcclosure(L, zd_gmatchstep, 3);
  return 1;
}


/* Append the replacement string (argument 3) for the match s..e: "%0" the
** match, "%1"-"%9" a capture (a position capture as its number), "%%" a
** percent sign. */
static void zd_addrepl(zd_match *ms, luaL_Buffer *b, const char *s, const char *e) {
  lua_State *L = ms->L;
  size_t lr;
  const char *r = lua_tolstring(L, 3, &lr);
  const char *rend = r + lr;
  while (r < rend) {
    const char *pct = memchr(r, '%', (size_t)(rend - r));
    if (pct == NULL) { luaL_addlstring(b, r, (size_t)(rend - r)); break; }
    luaL_addlstring(b, r, (size_t)(pct - r));
    pct++;
    if (pct < rend && *pct == '%') luaL_addchar(b, '%');
    else if (pct < rend && *pct == '0') luaL_addlstring(b, s, (size_t)(e - s));
    else if (pct < rend && isdigit((unsigned char)*pct)) {
      zd_pushcap(ms, *pct - '1', s, e);
      luaL_tolstring(L, -1, NULL);
      lua_remove(L, -2);
      luaL_addvalue(b);
    }
    else luaL_error(L, "invalid use of '%c' in replacement string", '%');
    r = pct + 1;
  }
}

/* Append the replacement for the match s..e; 0 if it kept the match as it
** was (the function or table gave false or nil). */
static int zd_addvalue(zd_match *ms, luaL_Buffer *b, const char *s, const char *e, int tr) {
  lua_State *L = ms->L;
  if (tr == LUA_TFUNCTION) {
    int n;
    lua_pushvalue(L, 3);
    n = zd_pushcaps(ms, s, e);
    lua_call(L, n, 1);
  }
  else if (tr == LUA_TTABLE) {
    zd_pushcap(ms, 0, s, e);
    lua_gettable(L, 3);
  }
  else {
    zd_addrepl(ms, b, s, e);
    return 1;
  }
  if (!lua_toboolean(L, -1)) {
    lua_pop(L, 1);
    luaL_addlstring(b, s, (size_t)(e - s));
    return 0;
  }
  if (!lua_isstring(L, -1))
    return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
  luaL_addvalue(b);
  return 1;
}

int zd_str_gsub(lua_State *L) {
  size_t ls, lp;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  const char *last = NULL;
  int tr = lua_type(L, 3);
  lua_Integer maxn = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
  int anchor = lp > 0 && *p == '^';
  lua_Integer n = 0;
  int changed = 0;
  zd_match ms;
  zd_prog pg;
  zd_small small;
  luaL_Buffer b;
  luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION || tr == LUA_TTABLE,
                   3, "string/function/table");
  if (anchor) { p++; lp--; }
  zd_prepare(&ms, &pg, &small, L, s, ls, p, lp);  /* may push the program */
  luaL_buffinit(L, &b);
  while (n < maxn) {
    const char *e = zd_run(&ms, s);
    if (e != NULL && e != last) {  /* not the empty match where the last ended */
      n++;
      changed = zd_addvalue(&ms, &b, s, e, tr) | changed;
      s = last = e;
    }
    else if (s < ms.end) luaL_addchar(&b, *s++);
    else break;
    if (anchor) break;
  }
  if (!changed) lua_pushvalue(L, 1);
  else {
    luaL_addlstring(&b, s, (size_t)(ms.end - s));
    luaL_pushresult(&b);
  }
  lua_pushinteger(L, n);
  return 2;
}
