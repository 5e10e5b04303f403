import type { AppModule } from './core/module.ts'

/** Openly's feature modules, in dependency order: the product at a glance. */
export const modules: AppModule[] = []
