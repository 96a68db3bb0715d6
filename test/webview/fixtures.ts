// Small hand-made profiles with known numbers for the view tests, built with the model's own
// ProfileBuilder. Names include hostile markup on purpose: they must show as text, never as HTML.
import { ProfileBuilder, type Profile } from '../../src/core/profile';

export const HOSTILE_NAME = '</script><script>alert(1)</script>';
export const HOSTILE_FILE = '<img src=x onerror=alert(2)>.lua';

/**
 * 10 game frames of 12 ms (over the 11.1 ms budget at 90 Hz), 8 samples of 1 ms per frame:
 *   4 × on_pre_engine_tick;update_hands;find_component
 *   2 × on_pre_engine_tick;update_hands
 *   1 × on_pre_engine_tick;update_ui
 *   1 × on_pre_engine_tick;<hostile>
 * Frame f's scripts time is 8 ms except frame 3, which is 10 ms long with 2 ms of scripts.
 */
export function smallProfile(name = 'small capture'): Profile {
  const b = new ProfileBuilder({ name, source: 'uevrcap', weightUnit: 'milliseconds' });
  const tick = b.frame('on_pre_engine_tick', 'main.lua', 10, 2);
  const hands = b.frame('update_hands', 'hands.lua', 20, 0);
  const find = b.frame('find_component', 'hands.lua', 55, 0);
  const ui = b.frame('update_ui', 'ui.lua', 5, 0);
  const bad = b.frame(HOSTILE_NAME, HOSTILE_FILE, 1, 0);
  const sFind = b.stackOf([tick, hands, find]);
  const sHands = b.stackOf([tick, hands]);
  const sUi = b.stackOf([tick, ui]);
  const sBad = b.stackOf([tick, bad]);
  const order = [sFind, sFind, sFind, sFind, sHands, sHands, sUi, sBad];
  for (let f = 0; f < 10; f++) {
    const start = f * 12;
    b.gameFrame(100 + f, start, f === 3 ? 10 : 12, f === 3 ? 2 : 8, 0.1, 2048);
    order.forEach((s, k) => b.sample(s, 1, start + k));
  }
  b.durationMs = 120;
  return b.build();
}

/** The same shape without game frames and with sample counts as weights (like a folded import). */
export function foldedLikeProfile(): Profile {
  const b = new ProfileBuilder({ name: 'folded', source: 'folded', weightUnit: 'samples' });
  const a = b.frame('main');
  const c = b.frame('work');
  const d = b.frame('idle');
  b.sample(b.stackOf([a, c]), 30, 0);
  b.sample(b.stackOf([a, d]), 10, 0);
  b.sample(b.stackOf([a]), 10, 0);
  return b.build();
}

export function emptyProfile(): Profile {
  return new ProfileBuilder({ name: 'empty', source: 'folded', weightUnit: 'samples' }).build();
}

/**
 * A capture whose stacks carry current lines (format v3), 10 game frames of 12 ms, 10 samples of
 * 1 ms each: on_pre_engine_tick (mod.lua:5) → tick (mod.lua:10) on line 12 for 6 ms (self), line 14
 * for 2 ms (self), and line 13 calling helper (mod.lua:30), which runs line 31 for 2 ms.
 * `hotLine12` changes line 12's cost (for the per-line diff).
 */
export function lineProfile(name = 'line capture', hotLine12 = 6): Profile {
  const b = new ProfileBuilder({ name, source: 'uevrcap', weightUnit: 'milliseconds' });
  const cb = b.frame('on_pre_engine_tick', 'mod.lua', 5, 2);
  const tick = b.frame('tick', 'mod.lua', 10, 0);
  const helper = b.frame('helper', 'mod.lua', 30, 0);
  const s12 = b.stackOf([cb, tick], -1, [0, 12]);
  const s31 = b.stackOf([cb, tick, helper], -1, [0, 13, 31]);
  const s14 = b.stackOf([cb, tick], -1, [0, 14]);
  const order = [...Array<number>(hotLine12).fill(s12), s31, s31, s14, s14];
  for (let f = 0; f < 10; f++) {
    const start = f * 12;
    b.gameFrame(100 + f, start, 12, order.length, 0.1, 2048);
    order.forEach((s, k) => b.sample(s, 1, start + k));
  }
  b.durationMs = 120;
  return b.build();
}
