/* The subset of UEVR's plugin C API (include/uevr/API.h of praydog/UEVR) that this plugin uses,
 * declared here from the documented layout of plugin API **2.39** (UEVR_PLUGIN_VERSION 2.39.0, master of
 * 2026-05). It is not a copy of that header: members this plugin never calls are declared as opaque
 * function pointers (`void*` sized slots) so every struct stays ABI-identical up to the last member used.
 * Only append-only growth of these structs is compatible; if UEVR ever reorders them, this file is the
 * one place to update.
 *
 * Availability by version (UEVR appends members; an older UEVR passes shorter structs):
 *   - UEVR_PluginCallbacks.on_custom_event : 2.37+
 *   - UEVR_PluginInitializeParam.lua       : 2.39+ (get_lua_state)
 *   - UEVR_PluginFunctions build information (get_commit_hash ... get_total_commits): before 2.39
 * The plugin reads neither before checking param->version. */
#ifndef UEVRPROF_UEVR_API_SUBSET_H
#define UEVRPROF_UEVR_API_SUBSET_H

#ifdef __cplusplus
extern "C" {
#endif

struct lua_State;

typedef struct {
  int major;
  int minor;
  int patch;
} UEVRP_PluginVersion;

typedef void (*UEVRP_VoidCb)(void);
typedef void (*UEVRP_EngineTickCb)(void* engine, float delta_seconds);
typedef void (*UEVRP_CustomEventCb)(const char* event_name, const char* event_data);

typedef struct {
  bool (*on_present)(UEVRP_VoidCb cb);
  void* on_device_reset;
  void* on_message;
  void* on_xinput_get_state;
  void* on_xinput_set_state;
  void* on_post_render_vr_framework_dx11;
  void* on_post_render_vr_framework_dx12;
  bool (*on_custom_event)(UEVRP_CustomEventCb cb); /* 2.37+ */
} UEVRP_PluginCallbacks;

typedef struct {
  void (*log_error)(const char* format, ...);
  void (*log_warn)(const char* format, ...);
  void (*log_info)(const char* format, ...);
  void* is_drawing_ui;
  bool (*remove_callback)(void* cb);
  void* get_persistent_dir;
  void* register_inline_hook;
  void* unregister_inline_hook;
  void* dispatch_lua_event;
  /* UEVR's build information (added 2024-12, before 2.39): */
  const char* (*get_commit_hash)(void);
  const char* (*get_tag)(void);
  const char* (*get_tag_long)(void);
  const char* (*get_branch)(void);
  const char* (*get_build_date)(void);
  const char* (*get_build_time)(void);
  unsigned int (*get_commits_past_tag)(void);
  unsigned int (*get_total_commits)(void);
  /* dispatch_custom_event follows; not used. */
} UEVRP_PluginFunctions;

typedef struct {
  bool (*on_pre_engine_tick)(UEVRP_EngineTickCb cb);
  bool (*on_post_engine_tick)(UEVRP_EngineTickCb cb);
  /* slate draw, stereo view offset and viewport draw registrars follow; not used. */
} UEVRP_SDKCallbacks;

typedef struct {
  const void* functions;
  const UEVRP_SDKCallbacks* callbacks;
  /* uobject, uobject_array, ffield, ... follow; not used. */
} UEVRP_SDKData;

typedef struct {
  struct lua_State* (*get_lua_state)(void);
  void* add_additional_bindings;
} UEVRP_LuaData;

typedef struct {
  void* uevr_module;
  const UEVRP_PluginVersion* version;
  const UEVRP_PluginFunctions* functions;
  const UEVRP_PluginCallbacks* callbacks;
  const void* renderer;
  const void* vr;
  const void* openvr;
  const void* openxr;
  const UEVRP_SDKData* sdk;
  const UEVRP_LuaData* lua; /* 2.39+ */
} UEVRP_PluginInitializeParam;

#ifdef __cplusplus
}
#endif

#endif
