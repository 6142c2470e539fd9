/** Type-level comparisons for the contract checks (see tickets.check.ts). */

/** true when A and B accept exactly the same values. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** true when every A is a B. */
export type Fits<A, B> = [A] extends [B] ? true : false;
/** true when A and B name the same fields (so a field added on one side only is caught). */
export type SameKeys<A, B> = Same<keyof A, keyof B>;
/** T with null removed from each field. */
export type NoNull<T> = { [K in keyof T]: Exclude<T[K], null> };
