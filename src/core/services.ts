import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { Config } from '../config.ts'
import type { DatabaseHandle, Dialect } from './db/database.ts'
import { createMailer, type Mailer } from './mail/mailer.ts'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    /** The database, with no table visible: modules narrow it to their own tables (see core/db/database.ts). */
    db: Kysely<{}>
    dialect: Dialect
    mailer: Mailer
  }
}

/** The services every plugin and module reaches through `app`: configuration, the database and mail. */
export function decorateServices(app: FastifyInstance, config: Config, database: DatabaseHandle): void {
  app.decorate('config', config)
  app.decorate('db', database.db)
  app.decorate('dialect', database.dialect)
  app.decorate('mailer', createMailer(config, app.log, database.db))
  app.addHook('onClose', async () => app.mailer.close())
}
