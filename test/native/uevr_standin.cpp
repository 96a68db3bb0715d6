// The stand-in for UEVR's Lua surface with sol2-shaped objects: see uevr_standin.hpp for what it models
// and why. Names and shapes follow UEVR's lua-api/lib/src/ScriptContext.cpp (usertypes, `uevr` table),
// src/mods/LuaLoader.cpp (uevr.lua.add_script_panel) and sol2 3.2.3's metatable layout. Where UEVR does
// real engine work the stand-in returns plausible objects, and calls UEVR makes expensive burn a fixed,
// known time (Options::burn) so known-cost mods have a known truth.
#include "uevr_standin.hpp"

#include <lua.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <vector>

namespace standin {
namespace {

constexpr uint32_t kAlive = 0x50B1D1A6u, kDead = 0xDEADDEADu;
char kSurfaceKey, kTypeKey, kPoolKey;

// One bound function of a usertype (sol2 keeps one per member in the usertype's storage and gives Lua C
// closures that point at it). Assigning through the named table destroys it: we keep the memory but mark
// it dead, so a closure that still points at it is detected as the use-after-free it would be.
struct Binding {
  uint32_t magic = kAlive;
  lua_CFunction fn = nullptr;
  int ref = LUA_NOREF;  // a Lua function assigned through the named table
  std::string tag;
};
struct Member {
  Binding* fn = nullptr;
  lua_CFunction get = nullptr, set = nullptr;
};
struct Type {
  std::string name, cxx;
  std::map<std::string, Member> members;
  std::vector<Type*> bases;
  lua_CFunction metaIndex = nullptr, metaNewIndex = nullptr, call = nullptr;
  bool hasVars = false;
  int mt = LUA_NOREF;
  bool simple() const { return !hasVars && bases.empty() && !metaIndex && !metaNewIndex; }
};
struct Obj {
  Type* t = nullptr;
  std::string name;
  std::map<std::string, double> nums;
  std::map<std::string, Obj*> kids;
};
struct Surface {
  Options o;
  std::map<std::string, std::unique_ptr<Type>> types;
  std::vector<std::unique_ptr<Obj>> objs;
  std::vector<std::unique_ptr<Binding>> bindings;
  std::map<std::string, std::vector<int>> lists;
  struct Hook {
    Obj* fn;
    std::vector<int> pre, post;
  };
  std::vector<Hook> hooks;
  std::vector<std::pair<std::string, int>> panels;
  std::map<std::string, Obj*> byName;
  std::map<std::string, std::string> modValues;
  Obj *sdkData = nullptr, *sdkCallbacks = nullptr, *param = nullptr, *vr = nullptr, *functions = nullptr, *api = nullptr,
      *pluginCallbacks = nullptr, *version = nullptr, *engine = nullptr, *pawn = nullptr, *pc = nullptr, *xstate = nullptr,
      *pad = nullptr, *position = nullptr, *rotation = nullptr, *locals = nullptr;
};

thread_local Binding* tl_binding = nullptr;

Surface* S(lua_State* L) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kSurfaceKey);
  auto** p = static_cast<Surface**>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return p ? *p : nullptr;
}

Obj* newObj(Surface* s, Type* t, const std::string& name) {
  s->objs.push_back(std::make_unique<Obj>());
  Obj* o = s->objs.back().get();
  o->t = t;
  o->name = name;
  return o;
}

Obj* toObj(lua_State* L, int idx) {
  if (lua_type(L, idx) != LUA_TUSERDATA || !lua_getmetatable(L, idx)) return nullptr;
  lua_rawgetp(L, -1, &kTypeKey);
  bool ours = lua_touserdata(L, -1) != nullptr;
  lua_pop(L, 2);
  if (!ours || lua_rawlen(L, idx) != sizeof(Obj*)) return nullptr;
  return *static_cast<Obj**>(lua_touserdata(L, idx));
}

Obj* checkObj(lua_State* L, int idx) {
  Obj* o = toObj(L, idx);
  if (!o) luaL_error(L, "sol: no matching function call takes this number of arguments and the specified types");
  return o;
}

bool isA(const Type* t, const std::string& name) {
  if (t->name == name) return true;
  for (const Type* b : t->bases)
    if (isA(b, name)) return true;
  return false;
}

// A pointer pushed to Lua: a full userdata holding the pointer, with the type's shared metatable. UObjects
// go through a weak pool (UEVR's sol_lua_push specialisation): the same object gives the same userdata.
// Everything else gives a new userdata on every push, as sol2 does for pointer members.
void pushAs(lua_State* L, Obj* o, Type* t) {
  if (!o) {
    lua_pushnil(L);
    return;
  }
  bool pooled = isA(t, "UEVR_UObject");
  if (pooled) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &kPoolKey);
    lua_rawgetp(L, -1, t);  // one pool per pushed type, like UEVR's _sol_lua_push_objects_<Type>
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      lua_newtable(L);
      lua_newtable(L);
      lua_pushstring(L, "v");
      lua_setfield(L, -2, "__mode");
      lua_setmetatable(L, -2);
      lua_pushvalue(L, -1);
      lua_rawsetp(L, -3, t);
    }
    lua_remove(L, -2);
    if (lua_rawgetp(L, -1, o) == LUA_TUSERDATA) {
      lua_remove(L, -2);
      return;
    }
    lua_pop(L, 1);
  }
  *static_cast<Obj**>(lua_newuserdatauv(L, sizeof(Obj*), 0)) = o;
  lua_rawgeti(L, LUA_REGISTRYINDEX, t->mt);
  lua_setmetatable(L, -2);
  if (pooled) {
    lua_pushvalue(L, -1);
    lua_rawsetp(L, -3, o);
    lua_remove(L, -2);
  }
}
void push(lua_State* L, Obj* o) { pushAs(L, o, o ? o->t : nullptr); }

// --- sol2-shaped usertype machinery --------------------------------------------------------------

int bindingCall(lua_State* L) {
  auto* b = static_cast<Binding*>(lua_touserdata(L, lua_upvalueindex(1)));
  if (b->magic != kAlive)
    return luaL_error(L, "stand-in host: heap-use-after-free: called a sol2 binding that an assignment through the usertype's named table destroyed (%s)",
                      b->magic == kDead ? b->tag.c_str() : "?");
  if (b->ref != LUA_NOREF) {
    int n = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, b->ref);
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
  }
  Binding* prev = tl_binding;
  tl_binding = b;
  int r = b->fn(L);
  tl_binding = prev;
  return r;
}

void pushBinding(lua_State* L, Binding* b) {
  lua_pushlightuserdata(L, b);
  lua_pushcclosure(L, bindingCall, 1);
}

const Member* findMember(const Type* t, const std::string& k) {
  auto it = t->members.find(k);
  if (it != t->members.end()) return &it->second;
  for (const Type* b : t->bases)
    if (const Member* m = findMember(b, k)) return m;
  return nullptr;
}
lua_CFunction findMeta(const Type* t, bool newIndex) {
  if (newIndex ? t->metaNewIndex : t->metaIndex) return newIndex ? t->metaNewIndex : t->metaIndex;
  for (const Type* b : t->bases)
    if (lua_CFunction f = findMeta(b, newIndex)) return f;
  return nullptr;
}

// __index of a usertype with variables, bases or a custom index: a C closure over the storage.
int indexCall(lua_State* L) {
  auto* t = static_cast<Type*>(lua_touserdata(L, lua_upvalueindex(1)));
  if (lua_type(L, 2) == LUA_TSTRING) {
    if (const Member* m = findMember(t, lua_tostring(L, 2))) {
      if (m->fn) {
        pushBinding(L, m->fn);  // a new closure on every access
        return 1;
      }
      if (m->get) return m->get(L);
    }
  }
  if (lua_CFunction f = findMeta(t, false)) return f(L);
  lua_pushnil(L);
  return 1;
}

int newIndexCall(lua_State* L) {
  auto* t = static_cast<Type*>(lua_touserdata(L, lua_upvalueindex(1)));
  if (lua_type(L, 2) == LUA_TSTRING) {
    if (const Member* m = findMember(t, lua_tostring(L, 2))) {
      if (m->set) return m->set(L);
      return 0;  // a function member: the assignment is ignored
    }
  }
  if (lua_CFunction f = findMeta(t, true)) return f(L);
  return luaL_error(L, "sol: cannot set (new_index) into this object: no defined new_index operation on usertype");
}

// __newindex of a functions-only usertype (its __index is the metatable).
int simpleNewIndex(lua_State* L) {
  auto* t = static_cast<Type*>(lua_touserdata(L, lua_upvalueindex(1)));
  if (lua_type(L, 2) == LUA_TSTRING && t->members.count(lua_tostring(L, 2))) return 0;
  return luaL_error(L, "sol: cannot set (new_index) into this object: no defined new_index operation on usertype");
}

int eqCall(lua_State* L) {
  Obj* a = toObj(L, 1);
  Obj* b = toObj(L, 2);
  lua_pushboolean(L, a != nullptr && a == b);
  return 1;
}

int pairsCall(lua_State* L) {
  auto* t = static_cast<Type*>(lua_touserdata(L, lua_upvalueindex(1)));
  return luaL_error(L, "sol: cannot call '__pairs/pairs' on type '%s*': it is not recognized as a container", t->cxx.c_str());
}

int callCall(lua_State* L) {
  auto* t = static_cast<Type*>(lua_touserdata(L, lua_upvalueindex(1)));
  return t->call(L);
}

// The named table (UEVR_UFunction, ...): indexes the storage; assigning replaces the binding in the
// storage (and in a simple metatable) and destroys the old one.
int namedIndex(lua_State* L) {
  auto* t = static_cast<Type*>(lua_touserdata(L, lua_upvalueindex(1)));
  if (lua_type(L, 2) == LUA_TSTRING) {
    auto it = t->members.find(lua_tostring(L, 2));
    if (it != t->members.end() && it->second.fn) {
      pushBinding(L, it->second.fn);
      return 1;
    }
  }
  lua_pushnil(L);
  return 1;
}

int namedNewIndex(lua_State* L) {
  auto* t = static_cast<Type*>(lua_touserdata(L, lua_upvalueindex(1)));
  Surface* s = S(L);
  std::string k = luaL_checkstring(L, 2);
  Member& m = t->members[k];
  if (m.fn) m.fn->magic = kDead;  // sol2 destroys the old binding object
  s->bindings.push_back(std::make_unique<Binding>());
  Binding* b = s->bindings.back().get();
  b->tag = t->name + "." + k;
  lua_pushvalue(L, 3);
  b->ref = luaL_ref(L, LUA_REGISTRYINDEX);
  m.fn = b;
  if (t->simple()) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, t->mt);
    pushBinding(L, b);
    lua_setfield(L, -2, k.c_str());
    lua_pop(L, 1);
  }
  return 0;
}

Type* defType(lua_State* L, Surface* s, const std::string& name, const std::string& cxx) {
  auto t = std::make_unique<Type>();
  t->name = name;
  t->cxx = cxx;
  Type* p = t.get();
  s->types[name] = std::move(t);
  (void)L;
  return p;
}

void fn(Surface* s, Type* t, const char* name, lua_CFunction f, const std::string& tag = "") {
  s->bindings.push_back(std::make_unique<Binding>());
  Binding* b = s->bindings.back().get();
  b->fn = f;
  b->tag = tag.empty() ? t->name + "." + name : tag;
  t->members[name].fn = b;
}
void var(Type* t, const char* name, lua_CFunction get, lua_CFunction set = nullptr) {
  t->members[name].get = get;
  t->members[name].set = set;
  t->hasVars = true;
}

// Builds the instance metatable (pointer kind) and the named global table, once all members are known.
void finish(lua_State* L, Type* t, bool global = true) {
  std::string mtName = "sol." + t->cxx + "*";
  lua_newtable(L);
  lua_pushstring(L, mtName.c_str());
  lua_setfield(L, -2, "__name");
  lua_pushlightuserdata(L, t);
  lua_rawsetp(L, -2, &kTypeKey);
  lua_pushlightuserdata(L, t);
  lua_pushcclosure(L, eqCall, 1);
  lua_setfield(L, -2, "__eq");
  lua_pushlightuserdata(L, t);
  lua_pushcclosure(L, pairsCall, 1);
  lua_setfield(L, -2, "__pairs");
  if (t->call) {
    lua_pushlightuserdata(L, t);
    lua_pushcclosure(L, callCall, 1);
    lua_setfield(L, -2, "__call");
  }
  if (S(L)->o.protectMetatables) {
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
  }
  if (t->simple()) {
    for (auto& kv : t->members) {
      pushBinding(L, kv.second.fn);
      lua_setfield(L, -2, kv.first.c_str());
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, -2, "__index");
    lua_pushlightuserdata(L, t);
    lua_pushcclosure(L, simpleNewIndex, 1);
    lua_setfield(L, -2, "__newindex");
  } else {
    lua_pushlightuserdata(L, t);
    lua_pushcclosure(L, indexCall, 1);
    lua_setfield(L, -2, "__index");
    lua_pushlightuserdata(L, t);
    lua_pushcclosure(L, newIndexCall, 1);
    lua_setfield(L, -2, "__newindex");
  }
  t->mt = luaL_ref(L, LUA_REGISTRYINDEX);
  if (global) {
    lua_newtable(L);
    lua_newtable(L);
    lua_pushlightuserdata(L, t);
    lua_pushcclosure(L, namedIndex, 1);
    lua_setfield(L, -2, "__index");
    lua_pushlightuserdata(L, t);
    lua_pushcclosure(L, namedNewIndex, 1);
    lua_setfield(L, -2, "__newindex");
    lua_setmetatable(L, -2);
    lua_setglobal(L, t->name.c_str());
  }
}

Type* T(lua_State* L, const char* name) { return S(L)->types.at(name).get(); }

// --- UEVR's API, stood in --------------------------------------------------------------------------

void burn(lua_State* L, double ms) {
  Surface* s = S(L);
  if (s->o.burn) s->o.burn(ms);
}

Obj* uobject(lua_State* L, const std::string& full, const char* type) {
  Surface* s = S(L);
  auto it = s->byName.find(full);
  if (it != s->byName.end()) return it->second;
  Obj* o = newObj(s, T(L, type), full);
  s->byName[full] = o;
  return o;
}

// sdk.callbacks.on_*(fn): sol2 converts the argument to sol::function.
int registrar(lua_State* L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  Surface* s = S(L);
  lua_pushvalue(L, 1);
  s->lists[tl_binding->tag].push_back(luaL_ref(L, LUA_REGISTRYINDEX));
  return 0;
}

int getSdkCallbacks(lua_State* L) {
  push(L, S(L)->sdkCallbacks);
  return 1;
}
int getSdk(lua_State* L) {
  push(L, S(L)->sdkData);
  return 1;
}
int getVr(lua_State* L) {
  push(L, S(L)->vr);
  return 1;
}
int getFunctions(lua_State* L) {
  push(L, S(L)->functions);
  return 1;
}
int getVersion(lua_State* L) {
  push(L, S(L)->version);
  return 1;
}
int getPluginCallbacks(lua_State* L) {
  push(L, S(L)->pluginCallbacks);
  return 1;
}
int getMajor(lua_State* L) { lua_pushinteger(L, 2); return 1; }
int getMinor(lua_State* L) { lua_pushinteger(L, 39); return 1; }
int getPatch(lua_State* L) { lua_pushinteger(L, 0); return 1; }

int logFn(lua_State* L) {
  Surface* s = S(L);
  if (s->o.log) s->o.log(luaL_optstring(L, 1, ""));
  return 0;
}
// Function-pointer members (called with a dot): sol2 pushes a callable for the pointer.
int getLog(lua_State* L) {
  lua_pushcfunction(L, logFn);
  return 1;
}
int setModValue(lua_State* L) {
  burn(L, 0.005);
  S(L)->modValues[luaL_checkstring(L, 1)] = luaL_checkstring(L, 2);
  return 0;
}
int getModValue(lua_State* L) {
  burn(L, 0.005);
  auto& m = S(L)->modValues;
  auto it = m.find(luaL_checkstring(L, 1));
  lua_pushstring(L, it == m.end() ? "0" : it->second.c_str());
  return 1;
}
int getSetModValue(lua_State* L) { lua_pushcfunction(L, setModValue); return 1; }
int getGetModValue(lua_State* L) { lua_pushcfunction(L, getModValue); return 1; }
int hmdActive(lua_State* L) { lua_pushboolean(L, 1); return 1; }
int getHmdActive(lua_State* L) { lua_pushcfunction(L, hmdActive); return 1; }

int apiFindUObject(lua_State* L) {
  checkObj(L, 1);
  std::string name = luaL_checkstring(L, 2);
  burn(L, 0.02);
  if (name.find("/Nowhere") != std::string::npos) {
    lua_pushnil(L);
    return 1;
  }
  const char* type = "UEVR_UObject";
  if (name.rfind("Class ", 0) == 0) type = "UEVR_UClass";
  // UEVR returns a UObject* for a function found by name; the stand-in returns it typed as UFunction so
  // the example mods' `fn:hook_ptr` resolves (see docs/agent.md, "not verified").
  else if (name.rfind("Function ", 0) == 0) type = "UEVR_UFunction";
  else if (name.rfind("ScriptStruct ", 0) == 0) type = "UEVR_UStruct";
  push(L, uobject(L, name, type));
  return 1;
}
int apiGetEngine(lua_State* L) { push(L, S(L)->engine); return 1; }
int apiGetPawn(lua_State* L) { push(L, S(L)->pawn); return 1; }
int apiGetPc(lua_State* L) { push(L, S(L)->pc); return 1; }
int apiDispatch(lua_State* L) {
  checkObj(L, 1);
  const char* n = luaL_checkstring(L, 2);
  const char* d = luaL_optstring(L, 3, "");
  Surface* s = S(L);
  if (s->o.customEvent) s->o.customEvent(n, d);
  return 0;
}
int apiNothing(lua_State* L) { (void)L; return 0; }

int objFullName(lua_State* L) {
  lua_pushstring(L, checkObj(L, 1)->name.c_str());
  return 1;
}
int objFName(lua_State* L) {
  Obj* o = checkObj(L, 1);
  Obj*& f = o->kids["\x01fname"];
  if (!f) {
    size_t dot = o->name.find_last_of(". ");
    f = newObj(S(L), T(L, "UEVR_FName"), dot == std::string::npos ? o->name : o->name.substr(dot + 1));
  }
  push(L, f);
  return 1;
}
int fnameToString(lua_State* L) {
  lua_pushstring(L, checkObj(L, 1)->name.c_str());
  return 1;
}
int objIsA(lua_State* L) {
  checkObj(L, 1);
  lua_pushboolean(L, toObj(L, 2) != nullptr);
  return 1;
}
int objGetClass(lua_State* L) {
  push(L, uobject(L, "Class /Script/Engine.Actor", "UEVR_UClass"));
  return 1;
}
int objAsFunction(lua_State* L) {
  Obj* o = checkObj(L, 1);
  if (isA(o->t, "UEVR_UFunction")) pushAs(L, o, T(L, "UEVR_UFunction"));
  else lua_pushnil(L);
  return 1;
}
int objAddress(lua_State* L) {
  lua_pushinteger(L, lua_Integer(reinterpret_cast<uintptr_t>(checkObj(L, 1))));
  return 1;
}

const std::set<std::string>& numericProps() {
  static const std::set<std::string> s = {"X", "Y", "Z", "W", "Pitch", "Yaw", "Roll", "Visibility", "ViewPitchMin", "ViewPitchMax", "Value"};
  return s;
}
bool looksLikeFunction(const std::string& k) {
  for (const char* p : {"K2_", "Get", "Set", "Receive", "Is"})
    if (k.rfind(p, 0) == 0) return true;
  return false;
}

// UObject's custom __index (UEVR: reflective property or function lookup by name).
int objReflectIndex(lua_State* L) {
  Obj* o = checkObj(L, 1);
  if (lua_type(L, 2) != LUA_TSTRING) {
    lua_pushnil(L);
    return 1;
  }
  std::string k = lua_tostring(L, 2);
  auto kid = o->kids.find(k);
  if (kid != o->kids.end()) {
    push(L, kid->second);
    return 1;
  }
  auto num = o->nums.find(k);
  if (num != o->nums.end()) {
    lua_pushnumber(L, num->second);
    return 1;
  }
  if (numericProps().count(k)) {
    lua_pushnumber(L, 0);
    return 1;
  }
  if (k.size() > 1 && k[0] == 'b' && k[1] >= 'A' && k[1] <= 'Z') {
    lua_pushboolean(L, 0);
    return 1;
  }
  if (looksLikeFunction(k)) {
    push(L, uobject(L, "Function /Script/Engine.Object." + k, "UEVR_UFunction"));
    return 1;
  }
  Obj* c = newObj(S(L), T(L, "UEVR_UObject"), o->name + "." + k);
  o->kids[k] = c;
  push(L, c);
  return 1;
}
int objReflectNewIndex(lua_State* L) {
  Obj* o = checkObj(L, 1);
  std::string k = luaL_checkstring(L, 2);
  if (lua_isnumber(L, 3)) o->nums[k] = lua_tonumber(L, 3);
  else if (Obj* v = toObj(L, 3)) o->kids[k] = v;
  else o->nums[k] = lua_toboolean(L, 3);
  return 0;
}

int structFindFunction(lua_State* L) {
  Obj* o = checkObj(L, 1);
  std::string n = luaL_checkstring(L, 2);
  std::string path = o->name.substr(o->name.find(' ') + 1);
  push(L, uobject(L, "Function " + path + "." + n, "UEVR_UFunction"));
  return 1;
}
int classFirstObject(lua_State* L) {
  Obj* o = checkObj(L, 1);
  burn(L, 0.05);
  push(L, uobject(L, o->name.substr(o->name.find_last_of('.') + 1) + " /Game/Map.Map:PersistentLevel.Instance_0", "UEVR_UObject"));
  return 1;
}
int classObjects(lua_State* L) {
  Obj* o = checkObj(L, 1);
  burn(L, 0.05);
  lua_createtable(L, 3, 0);
  std::string base = o->name.substr(o->name.find_last_of('.') + 1);
  for (int i = 0; i < 3; i++) {
    push(L, uobject(L, base + " /Game/Map.Map:PersistentLevel.Instance_" + std::to_string(i), "UEVR_UObject"));
    lua_rawseti(L, -2, i + 1);
  }
  return 1;
}

// UFunction:hook_ptr(pre, post): UEVR keeps both lists per UFunction and calls them on every engine call.
int hookPtr(lua_State* L) {
  Obj* f = checkObj(L, 1);
  if (!isA(f->t, "UEVR_UFunction")) return luaL_error(L, "sol: no matching function call takes this number of arguments and the specified types");
  for (int i = 2; i <= 3; i++)
    if (!lua_isnoneornil(L, i)) luaL_checktype(L, i, LUA_TFUNCTION);
  Surface* s = S(L);
  Surface::Hook* h = nullptr;
  for (auto& x : s->hooks)
    if (x.fn == f) h = &x;
  if (!h) {
    s->hooks.push_back({f, {}, {}});
    h = &s->hooks.back();
  }
  if (lua_isfunction(L, 2)) {
    lua_pushvalue(L, 2);
    h->pre.push_back(luaL_ref(L, LUA_REGISTRYINDEX));
  }
  if (lua_isfunction(L, 3)) {
    lua_pushvalue(L, 3);
    h->post.push_back(luaL_ref(L, LUA_REGISTRYINDEX));
  }
  return 0;
}
// fn(obj, ...) — a reflective call of a UFunction on an object.
int ufunctionCall(lua_State* L) {
  Obj* obj = toObj(L, 2);
  Obj* r = newObj(S(L), T(L, "UEVR_UObject"), (obj ? obj->name : std::string("?")) + ".ReturnValue");
  push(L, r);
  return 1;
}

int hookExists(lua_State* L) { lua_pushboolean(L, toObj(L, 1) != nullptr); return 1; }
int hookFirstByClass(lua_State* L) {
  Obj* c = checkObj(L, 1);
  burn(L, 0.05);
  push(L, uobject(L, c->name.substr(c->name.find_last_of('.') + 1) + " /Game/Map.Map:PersistentLevel.Instance_0", "UEVR_UObject"));
  return 1;
}
int hookMcState(lua_State* L) {
  Obj* o = checkObj(L, 1);
  push(L, uobject(L, "MotionControllerState " + o->name, "UEVR_MotionControllerState"));
  return 1;
}
int mcSetHand(lua_State* L) { checkObj(L, 1)->nums["hand"] = luaL_optnumber(L, 2, 0); return 0; }
int mcGetHand(lua_State* L) { lua_pushinteger(L, lua_Integer(checkObj(L, 1)->nums["hand"])); return 1; }

// Value structs (vectors, XInput state, StructObject): fields by name.
int fieldIndex(lua_State* L) {
  Obj* o = checkObj(L, 1);
  const char* k = luaL_checkstring(L, 2);
  auto kid = o->kids.find(k);
  if (kid != o->kids.end()) {
    push(L, kid->second);
    return 1;
  }
  auto it = o->nums.find(k);
  lua_pushnumber(L, it == o->nums.end() ? 0 : it->second);
  return 1;
}
int fieldNewIndex(lua_State* L) {
  Obj* o = checkObj(L, 1);
  o->nums[luaL_checkstring(L, 2)] = luaL_checknumber(L, 3);
  return 0;
}
int vecLength(lua_State* L) {
  Obj* o = checkObj(L, 1);
  double x = o->nums["x"], y = o->nums["y"], z = o->nums["z"];
  lua_pushnumber(L, std::sqrt(x * x + y * y + z * z));
  return 1;
}
template <int N>
int vecNew(lua_State* L) {
  static const char* names[] = {"x", "y", "z", "w"};
  std::string tname = tl_binding->tag.substr(0, tl_binding->tag.find('.'));
  Obj* o = newObj(S(L), T(L, tname.c_str()), tname);
  for (int i = 0; i < N; i++) o->nums[names[i]] = luaL_optnumber(L, i + 1, 0);
  push(L, o);
  return 1;
}
int quatNew(lua_State* L) {
  Obj* o = newObj(S(L), T(L, "UEVR_Quaternionf"), "UEVR_Quaternionf");
  o->nums["w"] = luaL_optnumber(L, 1, 1);
  o->nums["x"] = luaL_optnumber(L, 2, 0);
  o->nums["y"] = luaL_optnumber(L, 3, 0);
  o->nums["z"] = luaL_optnumber(L, 4, 0);
  push(L, o);
  return 1;
}
int structNew(lua_State* L) {
  push(L, newObj(S(L), T(L, "StructObject"), "StructObject"));
  return 1;
}

int addScriptPanel(lua_State* L) {
  std::string name = luaL_checkstring(L, 1);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 2);
  S(L)->panels.emplace_back(name, luaL_ref(L, LUA_REGISTRYINDEX));
  return 0;
}

int surfaceGc(lua_State* L) {
  auto** p = static_cast<Surface**>(lua_touserdata(L, 1));
  delete *p;
  *p = nullptr;
  return 0;
}

const char* const kCallbacks[] = {
    "on_xinput_get_state", "on_xinput_set_state", "on_pre_engine_tick", "on_post_engine_tick",
    "on_pre_slate_draw_window_render_thread", "on_post_slate_draw_window_render_thread",
    "on_early_calculate_stereo_view_offset", "on_pre_calculate_stereo_view_offset",
    "on_post_calculate_stereo_view_offset", "on_pre_viewport_client_draw", "on_post_viewport_client_draw",
    "on_frame", "on_draw_ui", "on_script_reset", "on_lua_event"};

}  // namespace

void open(lua_State* L, const Options& o) {
  auto** slot = static_cast<Surface**>(lua_newuserdatauv(L, sizeof(Surface*), 0));
  *slot = new Surface();
  Surface* s = *slot;
  s->o = o;
  lua_newtable(L);
  lua_pushcfunction(L, surfaceGc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kSurfaceKey);
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kPoolKey);

  // Usertypes, in UEVR's order (ScriptContext::setup_bindings / setup_callback_bindings).
  Type* params = defType(L, s, "UEVR_PluginInitializeParam", "UEVR_PluginInitializeParam");
  var(params, "sdk", getSdk);
  var(params, "vr", getVr);
  var(params, "functions", getFunctions);
  var(params, "version", getVersion);
  var(params, "callbacks", getPluginCallbacks);
  finish(L, params);
  Type* version = defType(L, s, "UEVR_PluginVersion", "UEVR_PluginVersion");
  var(version, "major", getMajor);
  var(version, "minor", getMinor);
  var(version, "patch", getPatch);
  finish(L, version);
  Type* functions = defType(L, s, "UEVR_PluginFunctions", "UEVR_PluginFunctions");
  var(functions, "log_error", getLog);
  var(functions, "log_warn", getLog);
  var(functions, "log_info", getLog);
  finish(L, functions);
  Type* pluginCallbacks = defType(L, s, "UEVR_PluginCallbacks", "UEVR_PluginCallbacks");
  var(pluginCallbacks, "on_present", getLog);
  finish(L, pluginCallbacks);
  Type* sdk = defType(L, s, "UEVR_SDKData", "UEVR_SDKData");
  var(sdk, "callbacks", getSdkCallbacks);
  finish(L, sdk);
  Type* vr = defType(L, s, "UEVR_VRData", "UEVR_VRData");
  var(vr, "set_mod_value", getSetModValue);
  var(vr, "get_mod_value", getGetModValue);
  var(vr, "is_hmd_active", getHmdActive);
  finish(L, vr);

  Type* fname = defType(L, s, "UEVR_FName", "uevr::API::FName");
  fn(s, fname, "to_string", fnameToString);
  finish(L, fname);
  Type* uobj = defType(L, s, "UEVR_UObject", "uevr::API::UObject");
  fn(s, uobj, "get_full_name", objFullName);
  fn(s, uobj, "get_fname", objFName);
  fn(s, uobj, "is_a", objIsA);
  fn(s, uobj, "get_class", objGetClass);
  fn(s, uobj, "as_function", objAsFunction);
  fn(s, uobj, "get_address", objAddress);
  uobj->metaIndex = objReflectIndex;
  uobj->metaNewIndex = objReflectNewIndex;
  finish(L, uobj);
  Type* ufield = defType(L, s, "UEVR_UField", "uevr::API::UField");
  ufield->bases = {uobj};
  finish(L, ufield);
  Type* ustruct = defType(L, s, "UEVR_UStruct", "uevr::API::UStruct");
  ustruct->bases = {ufield, uobj};
  fn(s, ustruct, "find_function", structFindFunction);
  finish(L, ustruct);
  Type* uclass = defType(L, s, "UEVR_UClass", "uevr::API::UClass");
  uclass->bases = {ustruct, ufield, uobj};
  fn(s, uclass, "get_first_object_matching", classFirstObject);
  fn(s, uclass, "get_objects_matching", classObjects);
  finish(L, uclass);
  Type* ufunction = defType(L, s, "UEVR_UFunction", "uevr::API::UFunction");
  ufunction->bases = {ustruct, ufield, uobj};
  ufunction->call = ufunctionCall;
  fn(s, ufunction, "hook_ptr", hookPtr);
  fn(s, ufunction, "get_native_function", apiNothing);
  finish(L, ufunction);
  Type* mcs = defType(L, s, "UEVR_MotionControllerState", "uevr::API::UObjectHook::MotionControllerState");
  fn(s, mcs, "set_hand", mcSetHand);
  fn(s, mcs, "get_hand", mcGetHand);
  fn(s, mcs, "set_permanent", apiNothing);
  fn(s, mcs, "set_rotation_offset", apiNothing);
  fn(s, mcs, "set_location_offset", apiNothing);
  finish(L, mcs);
  Type* hook = defType(L, s, "UEVR_UObjectHook", "uevr::API::UObjectHook");
  fn(s, hook, "exists", hookExists);
  fn(s, hook, "get_first_object_by_class", hookFirstByClass);
  fn(s, hook, "get_or_add_motion_controller_state", hookMcState);
  fn(s, hook, "activate", apiNothing);
  finish(L, hook);
  Type* api = defType(L, s, "UEVR_API", "uevr::API");
  var(api, "sdk", getSdk);
  fn(s, api, "find_uobject", apiFindUObject);
  fn(s, api, "get_engine", apiGetEngine);
  fn(s, api, "get_local_pawn", apiGetPawn);
  fn(s, api, "get_player_controller", apiGetPc);
  fn(s, api, "dispatch_custom_event", apiDispatch);
  fn(s, api, "execute_command", apiNothing);
  finish(L, api);
  Type* cbs = defType(L, s, "UEVR_SDKCallbacks", "UEVR_SDKCallbacks");
  for (const char* n : kCallbacks) fn(s, cbs, n, registrar, n);
  finish(L, cbs);

  for (const char* vn : {"Vector3f", "Vector3d", "Vector4f"}) {
    Type* v = defType(L, s, vn, std::string("UEVR_") + vn);
    fn(s, v, "new", std::string(vn) == "Vector4f" ? vecNew<4> : vecNew<3>, std::string(vn) + ".new");
    fn(s, v, "length", vecLength);
    v->metaIndex = fieldIndex;
    v->metaNewIndex = fieldNewIndex;
    finish(L, v);
  }
  Type* quat = defType(L, s, "UEVR_Quaternionf", "UEVR_Quaternionf");
  fn(s, quat, "new", quatNew);
  quat->metaIndex = fieldIndex;
  quat->metaNewIndex = fieldNewIndex;
  finish(L, quat);
  Type* so = defType(L, s, "StructObject", "lua::datatypes::StructObject");
  fn(s, so, "new", structNew);
  so->metaIndex = fieldIndex;
  so->metaNewIndex = fieldNewIndex;
  finish(L, so);
  Type* xs = defType(L, s, "XINPUT_STATE", "XINPUT_STATE");
  xs->metaIndex = fieldIndex;
  xs->metaNewIndex = fieldNewIndex;
  finish(L, xs, false);

  s->sdkCallbacks = newObj(s, cbs, "sdk.callbacks");
  s->sdkData = newObj(s, sdk, "sdk");
  s->param = newObj(s, params, "params");
  s->vr = newObj(s, vr, "vr");
  s->functions = newObj(s, functions, "functions");
  s->version = newObj(s, version, "version");
  s->pluginCallbacks = newObj(s, pluginCallbacks, "plugin_callbacks");
  s->api = newObj(s, api, "api");
  s->engine = uobject(L, "GameEngine /Engine/Transient.GameEngine_0", "UEVR_UObject");
  s->pawn = uobject(L, "BP_Pawn_C /Game/Map.Map:PersistentLevel.BP_Pawn_C_0", "UEVR_UObject");
  s->pc = uobject(L, "PlayerController /Game/Map.Map:PersistentLevel.PlayerController_0", "UEVR_UObject");
  s->pad = newObj(s, xs, "Gamepad");
  s->xstate = newObj(s, xs, "XINPUT_STATE");
  s->xstate->kids["Gamepad"] = s->pad;
  s->position = newObj(s, T(L, o.ue5 ? "Vector3d" : "Vector3f"), "position");
  s->rotation = newObj(s, T(L, o.ue5 ? "Vector3d" : "Vector3f"), "rotation");
  s->locals = newObj(s, so, "locals");

  // The `uevr` table (ScriptContext::setup_bindings) and uevr.lua (LuaLoader::state_post_init).
  lua_newtable(L);
  push(L, s->param);
  lua_setfield(L, -2, "params");
  push(L, s->api);
  lua_setfield(L, -2, "api");
  lua_newtable(L);
  for (const char* n : {"UObject", "UStruct", "UClass", "UFunction", "FName", "UObjectHook"}) {
    lua_getglobal(L, (std::string("UEVR_") + n).c_str());
    lua_setfield(L, -2, n);
  }
  lua_setfield(L, -2, "types");
  push(L, s->pluginCallbacks);
  lua_setfield(L, -2, "plugin_callbacks");
  push(L, s->sdkData);
  lua_setfield(L, -2, "sdk");
  lua_newtable(L);
  lua_pushcfunction(L, addScriptPanel);
  lua_setfield(L, -2, "add_script_panel");
  lua_setfield(L, -2, "lua");
  lua_setglobal(L, "uevr");
}

namespace {
void pushArgs(lua_State* L, Surface* s, const std::string& name, int eye, int& n) {
  n = 0;
  if (name.find("stereo_view_offset") != std::string::npos) {
    lua_pushlightuserdata(L, s);  // device
    lua_pushinteger(L, s->o.ue5 ? eye : eye + 1);
    lua_pushnumber(L, 100.0);
    push(L, s->position);
    push(L, s->rotation);
    lua_pushboolean(L, s->o.ue5);
    n = 6;
  } else if (name.find("xinput") != std::string::npos) {
    lua_pushlightuserdata(L, s);
    lua_pushinteger(L, 0);
    push(L, s->xstate);
    n = 3;
  } else if (name.find("engine_tick") != std::string::npos) {
    push(L, s->engine);
    lua_pushnumber(L, 0.011);
    n = 2;
  } else if (name.find("viewport_client_draw") != std::string::npos) {
    push(L, s->engine);
    lua_pushlightuserdata(L, s);
    lua_pushlightuserdata(L, s);
    n = 3;
  } else if (name.find("slate") != std::string::npos) {
    lua_pushlightuserdata(L, s);
    lua_pushlightuserdata(L, s);
    n = 2;
  } else if (name == "on_lua_event") {
    lua_pushstring(L, "event");
    lua_pushstring(L, "data");
    n = 2;
  }
}

int pcallRef(lua_State* L, Surface* s, int ref, int nargsPushedAfter, bool* returnedFalse = nullptr) {
  // The function goes below its arguments.
  lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
  lua_insert(L, -nargsPushedAfter - 1);
  if (lua_pcall(L, nargsPushedAfter, 1, 0) != LUA_OK) {
    if (s->o.scriptError) s->o.scriptError(luaL_tolstring(L, -1, nullptr));
    lua_pop(L, 2);
    return 1;
  }
  if (returnedFalse) *returnedFalse = lua_isboolean(L, -1) && !lua_toboolean(L, -1);
  lua_pop(L, 1);
  return 0;
}
}  // namespace

int run(lua_State* L, const char* callback, int eye) {
  Surface* s = S(L);
  if (!s) return 0;
  std::vector<int> list = s->lists[callback];
  int errors = 0;
  for (int ref : list) {
    int n = 0;
    pushArgs(L, s, callback, eye, n);
    errors += pcallRef(L, s, ref, n);
  }
  return errors;
}

int runHooks(lua_State* L) {
  Surface* s = S(L);
  if (!s) return 0;
  int skipped = 0;
  for (size_t i = 0; i < s->hooks.size(); i++) {
    Surface::Hook h = s->hooks[i];
    bool skip = false;
    for (int ref : h.pre) {
      pushAs(L, h.fn, T(L, "UEVR_UFunction"));
      push(L, s->pawn);
      push(L, s->locals);
      lua_pushlightuserdata(L, s);
      bool f = false;
      pcallRef(L, s, ref, 4, &f);
      skip = skip || f;
    }
    if (skip) skipped++;
    for (int ref : h.post) {
      pushAs(L, h.fn, T(L, "UEVR_UFunction"));
      push(L, s->pawn);
      push(L, s->locals);
      lua_pushlightuserdata(L, s);
      pcallRef(L, s, ref, 4);
    }
  }
  return skipped;
}

int runPanels(lua_State* L) {
  Surface* s = S(L);
  if (!s) return 0;
  int errors = 0;
  auto panels = s->panels;
  for (auto& p : panels) errors += pcallRef(L, s, p.second, 0);
  return errors;
}

void pushRegistered(lua_State* L, const char* callback) {
  Surface* s = S(L);
  lua_newtable(L);
  if (!s) return;
  std::vector<int> refs;
  if (std::strcmp(callback, "hook_ptr") == 0) {
    for (auto& h : s->hooks) {
      refs.insert(refs.end(), h.pre.begin(), h.pre.end());
      refs.insert(refs.end(), h.post.begin(), h.post.end());
    }
  } else if (std::strcmp(callback, "script_panel") == 0) {
    for (auto& p : s->panels) refs.push_back(p.second);
  } else {
    refs = s->lists[callback];
  }
  for (size_t i = 0; i < refs.size(); i++) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, refs[i]);
    lua_rawseti(L, -2, lua_Integer(i + 1));
  }
}

int registered(lua_State* L, const char* callback) {
  Surface* s = S(L);
  if (!s) return 0;
  if (std::strcmp(callback, "hook_ptr") == 0) {
    int n = 0;
    for (auto& h : s->hooks) n += int(h.pre.size() + h.post.size());
    return n;
  }
  if (std::strcmp(callback, "script_panel") == 0) return int(s->panels.size());
  return int(s->lists[callback].size());
}

}  // namespace standin
