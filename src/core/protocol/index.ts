// The protocol's public surface: framing plus typed messages.
export * from './framing';
export * from './messages';
