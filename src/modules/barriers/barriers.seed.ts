import type { SeedContext } from '../../core/module.ts'

/** Demo content: barriers and solutions, linked, endorsed and revised. */
export async function seedBarriers(_ctx: SeedContext): Promise<void> {}
