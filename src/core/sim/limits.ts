// Limits and hook periods shared by the simulator's parts (why each value: docs/simulator.md).
export const WATCH_STEP = 100_000; // instructions between watchdog hook calls when not sampling
export const SAMPLE_COUNT = 4000; // instructions between sampler hook calls while sampling (~10-40 µs of Lua)
export const MAX_DEPTH = 64;
export const MAX_LOG_LINES_PER_FRAME = 1000; // a mod printing in a loop must not flood listeners or memory
export const MAX_LOG_CHARS = 8192;
export const STEAL_GAP_MS = 0.5; // a gap between sampler hook calls longer than this is a preemption
export const HOOK_CHUNK_MS = 0.05; // what 4,000 VM instructions take at most when not preempted
/** Largest mod script or module the simulator loads (real UEVR mods are a few hundred KiB at most). */
export const MAX_SCRIPT_BYTES = 16 * 1024 * 1024;
