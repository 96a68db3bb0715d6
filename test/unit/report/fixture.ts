// A small capture with exact, hand-computable costs, shared by the report tests.
import { ProfileBuilder } from '../../../src/core/profile/builder';
import type { Profile } from '../../../src/core/profile/types';

/**
 * 10 frames. on_pre_engine_tick (mod.lua:10) costs `tick` ms per frame and its samples sit in
 * update → find (native); the stereo callback (mod.lua:20) costs `eye` ms per eye.
 */
export function capture(tick: number, eye: number, tickLine = 10): Profile {
  const b = new ProfileBuilder({ name: 'c', source: 'uevrcap', weightUnit: 'milliseconds' });
  b.durationMs = 111.1;
  const cbTick = b.callback('on_pre_engine_tick', 'C:\\Game\\scripts\\mod.lua', tickLine);
  const cbEye = b.callback('on_post_calculate_stereo_view_offset', 'C:\\Game\\scripts\\mod.lua', 20);
  const root = b.frame('on_pre_engine_tick', 'mod.lua', tickLine, 2);
  const update = b.frame('update', 'mod.lua', 3, 0);
  const find = b.frame('api:find_uobject', '', 0, 1);
  const stereo = b.frame('apply', 'mod.lua', 18, 0);
  const sUpdate = b.stackOf([root, update]);
  const sFind = b.stackOf([root, update, find]);
  const sStereo = b.stackOf([stereo]);
  for (let f = 0; f < 10; f++) {
    const t = f * 11.11;
    const row = b.gameFrame(1000 + f, t, 11.11, tick + 2 * eye, 0.1, 2048);
    b.callbackTiming(row, cbTick, -1, t, tick);
    b.callbackTiming(row, cbEye, 0, t + 5, eye);
    b.callbackTiming(row, cbEye, 1, t + 7, eye);
    // Samples: a quarter of the tick in update itself, the rest inside find_uobject.
    b.sample(sUpdate, tick / 4, t + 0.1);
    b.sample(sFind, (3 * tick) / 4, t + 0.2);
    b.sample(sStereo, 2 * eye, t + 5.1);
  }
  return b.build();
}

