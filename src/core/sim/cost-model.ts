// The documented cost model of the simulated UEVR API (docs/simulator.md, "cost model"). Every modelled
// host call burns deterministic CPU time (a busy wait on the high-resolution clock) proportional to the
// work UEVR does for it (docs/simulator.md), so the rules of docs/rules.md show up as measured
// time. Burned time does not depend on the Lua VM's speed or on the sampling hook; Lua-side work
// (wrapper tables, strings, vectors) is real allocation in the real VM and becomes real GC time.

export interface CostModel {
  /** Objects in the global object array (a find_uobject miss walks all of them). */
  objectCount: number;
  /** Building one object's full name while walking the array (µs). */
  perObjectNameUs: number;
  /** find_uobject hit: name → FName + cache lookup (µs). */
  findHitUs: number;
  /** Reflective property read/write: UTF-16 conversion + property chain search (µs); plus a real wrapper allocation. */
  propertyLookupUs: number;
  /**
   * Looking up a name that is a UFunction (`obj:Func()`): UEVR's __index first searches the properties
   * of the whole class chain (no cache; a function name is never found there), then the function (µs).
   */
  functionLookupUs: number;
  /** Reflective UFunction call (ProcessEvent, params struct) on top of the lookup (µs). */
  functionCallUs: number;
  /** Per instance copied by get_first_object_by_class / get_first_object_matching / get_objects_matching (µs). */
  perInstanceScanUs: number;
  /** Fixed part of an object scan (lock, set copy) (µs). */
  scanBaseUs: number;
  /** Instances of a class when no rule in instanceCounts matches. */
  defaultInstances: number;
  /** Mod options scanned linearly by set_mod_value / get_mod_value. */
  modOptionCount: number;
  /** One option-name comparison in that scan (µs). */
  perOptionCompareUs: number;
  /** Parsing/applying the value string (µs). */
  optionParseUs: number;
  /** get_local_pawn / get_player_controller / get_engine (µs). */
  pawnFetchUs: number;
  /** Vector3f/Vector3d/UEVR_Quaternionf/StructObject.new (µs), plus a real table allocation. */
  valueNewUs: number;
  /** get_full_name / get_fname():to_string(): FName → string conversion (µs). */
  nameStringUs: number;
  /** Motion-controller state lookup or setter (µs). */
  motionStateUs: number;
  /** UEVR_UObjectHook.exists (µs). */
  existsUs: number;
  /** print: console write (µs). */
  printUs: number;
  /** log_info/warn/error: log file write (µs). */
  logUs: number;
  /** execute_command: console command parse + dispatch (µs). */
  executeCommandUs: number;
  /** spawn_object / add_component_by_class (µs). */
  spawnUs: number;
  /** Any other modelled call (is_a, get_class, permissive stand-ins) (µs). */
  smallCallUs: number;
}

export const DEFAULT_COSTS: CostModel = {
  objectCount: 100_000,
  perObjectNameUs: 0.1,
  findHitUs: 0.5,
  propertyLookupUs: 0.4,
  functionLookupUs: 1.0,
  functionCallUs: 1.5,
  perInstanceScanUs: 0.05,
  scanBaseUs: 2,
  defaultInstances: 300,
  modOptionCount: 190,
  perOptionCompareUs: 0.01,
  optionParseUs: 1,
  pawnFetchUs: 1,
  valueNewUs: 0.3,
  nameStringUs: 1.5,
  motionStateUs: 2,
  existsUs: 0.2,
  printUs: 15,
  logUs: 5,
  executeCommandUs: 40,
  spawnUs: 50,
  smallCallUs: 0.2,
};

/** Instance counts by class short name (first matching pattern wins); scans cost O(instances). */
export const INSTANCE_COUNTS: Array<[RegExp, number]> = [
  [/^(GameEngine|GameViewportClient|World|GameInstance|LocalPlayer|PlayerController|PlayerCameraManager|HUD)$/, 1],
  [/Component$/, 6000],
  [/^Actor$/, 4000],
  [/Widget/, 1500],
  [/Character|Pawn/, 20],
  [/Controller$/, 8],
];

/** Instances of the class with this short name (used once per class record, from Lua). */
export function instancesOf(shortName: string, c: CostModel): number {
  for (const [re, n] of INSTANCE_COUNTS) if (re.test(shortName)) return n;
  return c.defaultInstances;
}

/** Renders the cost table as a Lua table constructor for the host prelude. */
export function costsAsLua(c: CostModel): string {
  const fields = Object.entries(c).map(([k, v]) => `${k} = ${Number(v)}`);
  return `{ ${fields.join(', ')} }`;
}

/** Gap between two clock reads of the busy wait that can only be a preemption (one read takes ~0.1 µs). */
const PREEMPTED_MS = 0.1;

/**
 * Burns `us` microseconds of CPU on the high-resolution clock (deterministic time, not work). When the
 * OS takes the thread away mid-burn (a jump of the clock between two reads), the deadline moves by the
 * gap, so the modelled work still gets its full time; returns the stolen ms so the caller can keep it
 * out of measured API and callback times.
 */
export function burn(us: number): number {
  if (!(us > 0)) return 0;
  let prev = performance.now();
  let end = prev + us / 1000;
  let stolen = 0;
  for (;;) {
    const now = performance.now();
    const gap = now - prev;
    if (gap > PREEMPTED_MS) {
      stolen += gap;
      end += gap;
    }
    if (now >= end) return stolen;
    prev = now;
  }
}
