import type { CompiledQuery, Compilable } from 'kysely'

const SLOT = '\u0001slot '

/**
 * A statement built and compiled once per executor, then bound per call: for the few statements every signed-in
 * request runs (its session, its notification count), where Kysely's building and compiling cost as much as the
 * query itself. `build` gets stand-ins for the values (strings no input can be) and must put them only where values go.
 */
export function compiledOnce<D extends object>(build: (db: D, ...slots: string[]) => Compilable<unknown>, slots: number): (db: D, ...values: unknown[]) => CompiledQuery {
  const byExecutor = new WeakMap<object, CompiledQuery>()
  return (db, ...values) => {
    let compiled = byExecutor.get(db)
    if (!compiled) {
      compiled = build(db, ...Array.from({ length: slots }, (_, i) => `${SLOT}${i}`)).compile()
      byExecutor.set(db, compiled)
    }
    return { ...compiled, parameters: compiled.parameters.map((p) => (typeof p === 'string' && p.startsWith(SLOT) ? values[Number(p.slice(SLOT.length))] : p)) }
  }
}
