import type { SeedContext } from '../../core/module.ts'
export async function seedCharters(_ctx: SeedContext): Promise<void> {}
