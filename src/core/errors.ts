/** Field errors keyed by field name, in form order. */
export type FieldErrors = Record<string, string>

/**
 * The one error type use cases throw. `status` is the HTTP status the error maps to;
 * `fields` carries per-field validation messages for forms and problem bodies.
 */
export class AppError extends Error {
  code: string
  status: number
  fields: FieldErrors | undefined
  constructor(code: string, status: number, message: string, fields?: FieldErrors) {
    super(message)
    this.code = code
    this.status = status
    this.fields = fields
  }
}

export const notFound = (what = 'Page') => new AppError('not_found', 404, `${what} not found`)
export const forbidden = (message = 'You do not have permission to do that') => new AppError('forbidden', 403, message)
export const invalid = (fields: FieldErrors, message = 'There is a problem with what you entered') => new AppError('invalid', 422, message, fields)
export const conflict = (message: string, fields?: FieldErrors) => new AppError('conflict', 409, message, fields)
