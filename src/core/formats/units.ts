// Units of the sample values importers meet, as the weight unit a Profile holds and the factor to
// it. The table is the unit names speedscope's file format and pprof's sample types share. Lookups
// go through unitScale, which reads own keys only: a unit named "constructor" or "__proto__" in a
// file is an unknown unit, not a property of Object.prototype.
import type { WeightUnit } from '../profile/types';

export type UnitScale = readonly [WeightUnit, number];

export const VALUE_UNITS: Readonly<Record<string, UnitScale>> = {
  nanoseconds: ['milliseconds', 1e-6],
  microseconds: ['milliseconds', 1e-3],
  milliseconds: ['milliseconds', 1],
  seconds: ['milliseconds', 1000],
  bytes: ['bytes', 1],
  none: ['samples', 1],
};

/** The table's entry for `name`, or undefined when the table has no such unit of its own. */
export function unitScale(table: Readonly<Record<string, UnitScale>>, name: string): UnitScale | undefined {
  return Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
}
