// Public entry of the simulated UEVR session (docs/simulator.md).
export {
  createSimulatedSession,
  defaultAgentPath,
  listScripts,
  AGENT_CONTRACT_VERSION,
  AGENT_FILE_NAME,
  SIM_VERSION,
  type SimulatedSession,
  type SimulatedSessionOptions,
} from './session';
export { DEFAULT_COSTS, type CostModel } from './cost-model';
export { CALLBACK_NAMES } from './host-prelude';
export { defaultWasmPath } from './lua-runtime';
