import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { checkBoundaries } from './check-boundaries.ts'

/** A throwaway tree: modules a, b (dependsOn a) and c (dependsOn nothing). */
const fixture: Record<string, string> = {
  'src/app.ts': "import { modules } from './modules.ts'\nexport const app = modules\n",
  'src/modules.ts': "export { aModule as modules } from './modules/a/index.ts'\n",
  'src/core/ok.ts': 'export const ok = 1\n',
  'src/core/x.ts': "import { aRows } from '../modules/a/a.queries.ts'\nimport { ok } from './ok.ts'\nexport const x = [aRows, ok]\n",
  'src/core/root.ts': "import type { app } from '../app.ts'\nexport type App = typeof app\n",
  'src/modules/a/index.ts': "import { useA } from './a.ts'\nexport const aModule = { id: 'a', useA }\n",
  'src/modules/a/a.ts': "import { aRows } from './a.queries.ts'\nexport const useA = () => aRows\nexport type A = string\n",
  'src/modules/a/a.queries.ts': "import type { ATables } from './a.tables.ts'\nexport const aRows: ATables[] = []\n",
  'src/modules/a/a.tables.ts': 'export interface ATables { id: string }\n',
  // allowed: a declared module's use-case file, own folder, core, node built-ins, npm packages
  'src/modules/b/b.ts': [
    "import { readFileSync } from 'node:fs'",
    "import { Kysely } from 'kysely'",
    "import { ok } from '../../core/ok.ts'",
    "import { useA } from '../a/a.ts'",
    "import { bRows } from './b.queries.ts'",
    "import type { ATables } from '../a/a.tables.ts'",
    'export const b: unknown[] = [readFileSync, Kysely, ok, useA, bRows]',
    'export type B = ATables',
    '',
  ].join('\n'),
  'src/modules/b/b.queries.ts': "import { c } from '../c/c.ts'\nexport const bRows = [c]\n",
  'src/modules/b/routes.pages.ts': "import { aModule } from '../a/index.ts'\nexport const page = aModule\n",
  'src/modules/b/wiring.ts': "import { modules } from '../../modules.ts'\nexport const wiring = modules\n",
  'src/modules/b/b.test.ts': "import { aRows } from '../a/a.queries.ts'\nimport { app } from '../../app.ts'\nexport const t = [aRows, app]\n",
  'src/modules/c/c.ts': "import type { A } from '../a/a.ts'\nexport const c: A = 'c'\n",
  'src/modules/c/c.queries.ts': "export { aRows } from '../a/a.queries.ts'\n",
  'test/support.ts': "import { aRows } from '../src/modules/a/a.queries.ts'\nexport const s = aRows\n",
}

test('checkBoundaries reports exactly the forbidden imports of a fixture tree', async () => {
  const root = mkdtempSync(join(tmpdir(), 'openly-boundaries-'))
  try {
    for (const [path, text] of Object.entries(fixture)) {
      mkdirSync(dirname(join(root, path)), { recursive: true })
      writeFileSync(join(root, path), text)
    }
    const modules = [
      { id: 'a', dependsOn: [] },
      { id: 'b', dependsOn: ['a'] },
      { id: 'c', dependsOn: [] },
    ]
    const { files, violations } = await checkBoundaries({ root, modules })
    const found = violations.map((v) => `${v.from} → ${v.to}: ${v.rule}`).sort()
    assert.deepEqual(found, [
      'src/core/root.ts → src/app.ts: core-imports-no-module',
      'src/core/x.ts → src/modules/a/a.queries.ts: core-imports-no-module',
      'src/modules/b/b.queries.ts → src/modules/c/c.ts: dependsOn-b',
      'src/modules/b/b.ts → src/modules/a/a.tables.ts: only-use-case-files', // import type counts
      'src/modules/b/routes.pages.ts → src/modules/a/index.ts: only-use-case-files',
      'src/modules/b/wiring.ts → src/modules.ts: module-imports-no-composition-root',
      'src/modules/c/c.queries.ts → src/modules/a/a.queries.ts: only-use-case-files', // re-export counts
      'src/modules/c/c.ts → src/modules/a/a.ts: dependsOn-c', // type-only use of an undeclared module
    ])
    assert.ok(violations.every((v) => v.explanation.length > 0))
    assert.equal(files, Object.keys(fixture).filter((path) => path.startsWith('src/') && !path.endsWith('.test.ts')).length)
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})
