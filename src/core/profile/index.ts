// The profile model: builder and derived views (no vscode, no DOM).
export * from './types';
export { ProfileBuilder, type ProfileBuilderOptions } from './builder';
export { buildCallTree, buildInvertedTree, callTreePath, type CallTreeOptions } from './callTree';
export { functionTable, functionStats, functionLineStats, lineOfStack, lineStats, callersAndCallees } from './functionStats';
export type { FunctionTable, FunctionStats, FunctionLineRows, LineStats, Sandwich, CallerCalleeRow } from './functionStats';
export { gameFramesInRange, worstGameFrames, gameFrameAt, samplesOfGameFrame, type WorstBy } from './gameFrames';
export { diffProfiles, diffLines, biggestLineChanges, describeLineDiff, type ProfileDiff, type DiffNormalisation, type LineDiff, type LineDiffOptions } from './diff';
export { functionLevel, withLineFrames, hasLines, type LineFrames } from './lineLevel';
export { stackWeights, sampleRanges, type SampleFilter, type StackWeights } from './sampleSelection';
export { invalidateViews } from './viewCache';
