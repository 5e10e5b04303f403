/** True for a unique-constraint violation on either database (two requests racing to insert the same key). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string; errcode?: number }
  return e?.code === '23505' || /UNIQUE constraint failed/i.test(e?.message ?? '')
}
