/*
** json.decode, building Lua values straight from the text.
**
** Why C and not the Swift JSON parser: a Swift tree of a 20 MB document
** takes gigabytes before a single Lua value exists, and none of it is seen
** by the run's allocator. Here every byte the result takes is a Lua
** allocation made while the memory limit is enforced, so running out of
** budget raises the memory-limit error at the allocation that crossed it;
** the text is read in place, and the loop looks at the watchdog's flag, so
** a deadline or Ctrl-C stops it too. Raising from here is safe: no Swift
** frame is on the C stack.
**
** The accepted language and the Lua shape match JSON.parse followed by
** LuaJSON.push (strict RFC 8259, integers kept exact, nesting up to 200,
** the same error texts and byte offsets): null object fields are left
** out, null array items become json.null, an empty array gets the array
** marker metatable, a top-level null is nil.
*/
#include <string.h>
#include "internal.h"

#define MAX_DEPTH 200
/* Values decoded between two looks at the watchdog's flag. */
#define CHECK_EVERY 256

typedef struct {
  lua_State *L;
  zd_runtime *rt;
  const unsigned char *s;
  size_t n;       /* length of the text */
  size_t i;       /* next byte to read */
  unsigned ticks;
} decoder;

/* Upvalues of the decode closure (see zd_push_json_decode). */
#define NULL_TOKEN lua_upvalueindex(1)
#define ARRAY_MT lua_upvalueindex(2)

static int fail_at(decoder *d, size_t offset, const char *reason) {
  lua_State *L = d->L;
  zd_push_where_user(L);
  lua_pushfstring(L, "json.decode: invalid JSON at byte %I: %s", (lua_Integer)offset, reason);
  lua_concat(L, 2);
  return lua_error(L);
}

static int fail(decoder *d, const char *reason) { return fail_at(d, d->i, reason); }

static void tick(decoder *d) {
  if (++d->ticks % CHECK_EVERY == 0) zd_checkpoint(d->L, d->rt);
}

static void skip_space(decoder *d) {
  while (d->i < d->n) {
    unsigned char c = d->s[d->i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
    d->i++;
  }
}

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* Length of the valid UTF-8 sequence starting at p (at most left bytes),
** or 0 when it is not one: overlong forms, surrogates and code points past
** U+10FFFF are refused, as Swift's String(validating:) does. */
static size_t utf8_sequence(const unsigned char *p, size_t left) {
  unsigned char c = p[0];
  unsigned char lo = 0x80, hi = 0xBF;
  size_t len, k;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) len = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  }
  else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  }
  else return 0;
  if (left < len) return 0;
  if (p[1] < lo || p[1] > hi) return 0;
  for (k = 2; k < len; k++)
    if (p[k] < 0x80 || p[k] > 0xBF) return 0;
  return len;
}

static int valid_utf8(const unsigned char *p, size_t len) {
  size_t i = 0;
  while (i < len) {
    size_t step;
    if (p[i] < 0x80) { i++; continue; }
    step = utf8_sequence(p + i, len - i);
    if (step == 0) return 0;
    i += step;
  }
  return 1;
}

static unsigned hex4(decoder *d) {
  unsigned value = 0;
  int k;
  if (d->n - d->i < 4) fail(d, "unexpected end of input");
  for (k = 0; k < 4; k++) {
    unsigned char c = d->s[d->i];
    unsigned digit;
    if (c >= '0' && c <= '9') digit = c - '0';
    else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    else { fail(d, "invalid \\u escape"); return 0; }
    value = value << 4 | digit;
    d->i++;
  }
  return value;
}

static void add_scalar(luaL_Buffer *b, unsigned u) {
  char out[4];
  size_t len;
  if (u < 0x80) { out[0] = (char)u; len = 1; }
  else if (u < 0x800) {
    out[0] = (char)(0xC0 | u >> 6); out[1] = (char)(0x80 | (u & 0x3F)); len = 2;
  }
  else if (u < 0x10000) {
    out[0] = (char)(0xE0 | u >> 12); out[1] = (char)(0x80 | (u >> 6 & 0x3F));
    out[2] = (char)(0x80 | (u & 0x3F)); len = 3;
  }
  else {
    out[0] = (char)(0xF0 | u >> 18); out[1] = (char)(0x80 | (u >> 12 & 0x3F));
    out[2] = (char)(0x80 | (u >> 6 & 0x3F)); out[3] = (char)(0x80 | (u & 0x3F)); len = 4;
  }
  luaL_addlstring(b, out, len);
}

/* The slow path of a string with escapes, from its first backslash.
** Pushes the decoded string. */
static void escaped_string(decoder *d, size_t start) {
  lua_State *L = d->L;
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addlstring(&b, (const char *)d->s + start, d->i - start);
  while (d->i < d->n) {
    unsigned char c = d->s[d->i];
    if (c == '"') {
      d->i++;
      luaL_pushresult(&b);
      {
        size_t len;
        const char *text = lua_tolstring(L, -1, &len);
        if (!valid_utf8((const unsigned char *)text, len))
          fail_at(d, start, "string is not valid UTF-8");
      }
      return;
    }
    if (c == '\\') {
      unsigned char e;
      d->i++;
      if (d->i >= d->n) fail(d, "unexpected end of input");
      e = d->s[d->i++];
      switch (e) {
        case '"': luaL_addchar(&b, '"'); break;
        case '\\': luaL_addchar(&b, '\\'); break;
        case '/': luaL_addchar(&b, '/'); break;
        case 'b': luaL_addchar(&b, '\b'); break;
        case 'f': luaL_addchar(&b, '\f'); break;
        case 'n': luaL_addchar(&b, '\n'); break;
        case 'r': luaL_addchar(&b, '\r'); break;
        case 't': luaL_addchar(&b, '\t'); break;
        case 'u': {
          unsigned u = hex4(d);
          if (u >= 0xD800 && u <= 0xDBFF) {
            unsigned low;
            if (d->n - d->i < 2 || d->s[d->i] != '\\' || d->s[d->i + 1] != 'u')
              fail(d, "unpaired surrogate");
            d->i += 2;
            low = hex4(d);
            if (low < 0xDC00 || low > 0xDFFF) fail(d, "unpaired surrogate");
            u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
          }
          else if (u >= 0xDC00 && u <= 0xDFFF)
            fail(d, "unpaired surrogate");
          add_scalar(&b, u);
          break;
        }
        default: fail(d, "invalid escape");
      }
      continue;
    }
    if (c < 0x20) fail(d, "control character in string");
    luaL_addchar(&b, (char)c);
    d->i++;
  }
  fail(d, "unterminated string");
}

/* d->i is at the opening quote. Pushes the string. */
static void string_value(decoder *d) {
  size_t start = ++d->i;
  while (d->i < d->n) {
    unsigned char c = d->s[d->i];
    if (c == '"') {
      const unsigned char *text = d->s + start;
      size_t len = d->i - start;
      d->i++;
      if (!valid_utf8(text, len)) fail_at(d, start, "string is not valid UTF-8");
      lua_pushlstring(d->L, (const char *)text, len);
      return;
    }
    if (c == '\\') { escaped_string(d, start); return; }
    if (c < 0x20) fail(d, "control character in string");
    d->i++;
  }
  fail(d, "unterminated string");
}

/* Pushes the number at d->i: an integer when it is written as one and fits,
** otherwise the nearest float (as Lua's own conversion does). */
static void number(decoder *d) {
  lua_State *L = d->L;
  size_t start = d->i;
  char small[64];
  const char *text;
  size_t len;
  if (d->s[d->i] == '-') d->i++;
  if (d->i >= d->n || !is_digit(d->s[d->i])) fail(d, "invalid number");
  if (d->s[d->i] == '0') d->i++;
  else while (d->i < d->n && is_digit(d->s[d->i])) d->i++;
  if (d->i < d->n && d->s[d->i] == '.') {
    d->i++;
    if (d->i >= d->n || !is_digit(d->s[d->i])) fail(d, "invalid number");
    while (d->i < d->n && is_digit(d->s[d->i])) d->i++;
  }
  if (d->i < d->n && (d->s[d->i] == 'e' || d->s[d->i] == 'E')) {
    d->i++;
    if (d->i < d->n && (d->s[d->i] == '+' || d->s[d->i] == '-')) d->i++;
    if (d->i >= d->n || !is_digit(d->s[d->i])) fail(d, "invalid number");
    while (d->i < d->n && is_digit(d->s[d->i])) d->i++;
  }
  len = d->i - start;
  /* lua_stringtonumber wants a terminated string; long numbers go through
  ** a Lua string (counted against the budget like everything else). */
  if (len < sizeof small) {
    memcpy(small, d->s + start, len);
    small[len] = '\0';
    text = small;
    if (lua_stringtonumber(L, text) == 0) fail_at(d, start, "invalid number");
  }
  else {
    lua_pushlstring(L, (const char *)d->s + start, len);
    text = lua_tostring(L, -1);
    if (lua_stringtonumber(L, text) == 0) fail_at(d, start, "invalid number");
    lua_remove(L, -2);
  }
}

static void literal(decoder *d, const char *word) {
  size_t len = strlen(word);
  if (d->n - d->i < len) fail(d, "unexpected end of input");
  if (memcmp(d->s + d->i, word, len) != 0) fail(d, "invalid literal");
  d->i += len;
}

static void value(decoder *d, int depth, int in_array);

static void object(decoder *d, int depth) {
  lua_State *L = d->L;
  if (depth > MAX_DEPTH) fail(d, "nesting deeper than 200");
  luaL_checkstack(L, 4, "json.decode: nesting too deep");
  d->i++;
  lua_createtable(L, 0, 0);
  skip_space(d);
  if (d->i < d->n && d->s[d->i] == '}') { d->i++; return; }
  for (;;) {
    skip_space(d);
    if (d->i >= d->n || d->s[d->i] != '"') fail(d, "expected a string key");
    string_value(d);
    skip_space(d);
    if (d->i >= d->n || d->s[d->i] != ':') fail(d, "expected ':'");
    d->i++;
    skip_space(d);
    /* A null field is stored as nil: the key ends up absent, also when an
    ** earlier duplicate of it had a value (the last one wins). */
    value(d, depth, 0);
    lua_rawset(L, -3);
    skip_space(d);
    if (d->i >= d->n) fail(d, "unexpected end of input");
    if (d->s[d->i] == ',') { d->i++; continue; }
    if (d->s[d->i] == '}') { d->i++; return; }
    fail(d, "expected ',' or '}'");
  }
}

static void array(decoder *d, int depth) {
  lua_State *L = d->L;
  lua_Integer count = 0;
  if (depth > MAX_DEPTH) fail(d, "nesting deeper than 200");
  luaL_checkstack(L, 4, "json.decode: nesting too deep");
  d->i++;
  lua_createtable(L, 0, 0);
  skip_space(d);
  if (d->i < d->n && d->s[d->i] == ']') {
    d->i++;
    /* Keeps "[]" distinct from "{}" when the value goes back to JSON. */
    lua_pushvalue(L, ARRAY_MT);
    lua_setmetatable(L, -2);
    return;
  }
  for (;;) {
    skip_space(d);
    value(d, depth, 1);
    lua_rawseti(L, -2, ++count);
    skip_space(d);
    if (d->i >= d->n) fail(d, "unexpected end of input");
    if (d->s[d->i] == ',') { d->i++; continue; }
    if (d->s[d->i] == ']') { d->i++; return; }
    fail(d, "expected ',' or ']'");
  }
}

static void value(decoder *d, int depth, int in_array) {
  tick(d);
  if (d->i >= d->n) fail(d, "unexpected end of input");
  switch (d->s[d->i]) {
    case '{': object(d, depth + 1); return;
    case '[': array(d, depth + 1); return;
    case '"': string_value(d); return;
    case 't': literal(d, "true"); lua_pushboolean(d->L, 1); return;
    case 'f': literal(d, "false"); lua_pushboolean(d->L, 0); return;
    case 'n':
      literal(d, "null");
      if (in_array) lua_pushvalue(d->L, NULL_TOKEN);
      else lua_pushnil(d->L);
      return;
    default:
      if (d->s[d->i] == '-' || is_digit(d->s[d->i])) { number(d); return; }
      fail(d, "unexpected character");
  }
}

static int json_decode(lua_State *L) {
  decoder d;
  size_t len;
  int t = lua_type(L, 1);
  if (t != LUA_TSTRING && t != LUA_TNUMBER) {
    zd_push_where_user(L);
    lua_pushfstring(L, "bad argument #1 to 'json_decode' (string expected, got %s)",
                    t == LUA_TNONE ? "no value" : lua_typename(L, t));
    lua_concat(L, 2);
    return lua_error(L);
  }
  lua_settop(L, 1);
  d.L = L;
  d.rt = zd_runtime_of(L);
  d.s = (const unsigned char *)lua_tolstring(L, 1, &len);  /* anchored at 1 */
  d.n = len;
  d.i = 0;
  d.ticks = 0;
  zd_checkpoint(L, d.rt);
  skip_space(&d);
  value(&d, 0, 0);
  skip_space(&d);
  if (d.i != d.n) fail(&d, "trailing characters");
  return 1;
}

void zd_push_json_decode(lua_State *L) {
  lua_pushcclosure(L, json_decode, 2);
}
