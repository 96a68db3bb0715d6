// The stand-in for UEVR's Lua surface, bound the way UEVR binds it (lua-api/lib/src/ScriptContext.cpp,
// src/mods/LuaLoader.cpp) with objects that behave like sol2 3.2.3's (the revision UEVR vendors):
// usertype instances are full userdata whose metatable is shared by every instance of the type;
// usertypes with only functions keep them in the metatable itself (__index = the metatable), others
// get a C closure __index/__newindex over the type's storage (members, base classes, a custom index);
// pairs() raises "not recognized as a container"; == compares the pointed-to objects while each
// access to a pointer member pushes a new userdata; the named global tables (UEVR_UFunction, ...) index
// the storage, and assigning through them replaces the binding and destroys the old one.
// Written for this project from sol2's documented and observed behaviour; no sol2 code.
//
// Used by the Linux test host (host.cpp) and the Windows stand-in for UEVR (fake_uevr_host.cpp).
#pragma once
#include <functional>
#include <string>

struct lua_State;

namespace standin {

struct Options {
  bool ue5 = true;                                           // view_index 0/1 + is_double (UE5) or 1/2 (UE4)
  bool protectMetatables = false;  // a `__metatable` field on every instance metatable (a binding the agent cannot wrap)
  std::function<void(double ms)> burn;                       // the cost of "expensive" UEVR API calls
  std::function<void(const char*, const char*)> customEvent;  // uevr.api:dispatch_custom_event → plugins
  std::function<void(const std::string&)> log;               // UEVR's log (params.functions.log_*)
  std::function<void(const std::string&)> scriptError;       // an error UEVR would log for a callback
};

// Binds `uevr`, the UEVR_* named tables, Vector3f/Vector3d/Vector4f/UEVR_Quaternionf/StructObject and
// uevr.lua.add_script_panel into L (a state opened like UEVR's). The surface lives until L is closed.
void open(lua_State* L, const Options& o);

// Runs every function registered for a callback, each in its own protected call (errors reported, the
// rest still run), with arguments shaped like UEVR's. eye: 0/1 for stereo callbacks (mapped to the
// engine's view_index), -1 otherwise. Returns the number of errors.
int run(lua_State* L, const char* callback, int eye = -1);
// Calls every hooked UFunction once, as the engine would: pre hooks (any false skips the "engine" call),
// then post hooks. Returns how many pre hooks asked to skip.
int runHooks(lua_State* L);
// Draws the script panels (UEVR runs them only while their page is drawn).
int runPanels(lua_State* L);
// Pushes a table of the functions registered for a callback (what UEVR would call), for tests.
void pushRegistered(lua_State* L, const char* callback);
// How many functions are registered for a callback (a hooked UFunction counts as "hook_ptr").
int registered(lua_State* L, const char* callback);

}  // namespace standin
