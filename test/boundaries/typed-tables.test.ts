/**
 * "A module reading another module's table does not compile": type-checks small probe files against
 * the real table types with the project's TypeScript, and expects exactly the forbidden reads to fail.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..', '..')

/** Type-checks one probe file (in a scratch folder inside the repository, so imports resolve) and returns tsc's output. */
function typecheck(source: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(root, 'node_modules', '.cache-probe-'))
  try {
    writeFileSync(join(dir, 'probe.ts'), source)
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: join(root, 'tsconfig.json'), compilerOptions: { noEmit: true, types: ['node'] }, include: ['probe.ts'] }),
    )
    const r = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' })
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const src = (path: string) => JSON.stringify(join(root, 'src', path))

test('a module reads its own tables and the shared core tables it declares', () => {
  const r = typecheck(`
    import type { PostsDb } from ${src('modules/posts/posts.tables.ts')}
    import type { CommunitiesDb } from ${src('modules/communities/communities.tables.ts')}
    import type { Db } from ${src('core/db/database.ts')}
    export const own = (db: PostsDb) => db.selectFrom('posts').select('title').execute()
    export const spaces = (db: CommunitiesDb) => db.selectFrom('space_members').select('role').execute()
    // The handle routes and use cases hold converts to any module's own executor.
    export const narrowed = (db: Db) => own(db)
  `)
  assert.ok(r.ok, r.output)
})

test("reading another module's table, or the people table outside accounts, does not compile", () => {
  const cases = [
    ['posts reads projects', `import type { PostsDb } from ${src('modules/posts/posts.tables.ts')}\nexport const f = (db: PostsDb) => db.selectFrom('projects').selectAll().execute()`],
    ['projects reads users', `import type { ProjectsDb } from ${src('modules/projects/projects.tables.ts')}\nexport const f = (db: ProjectsDb) => db.selectFrom('users').selectAll().execute()`],
    ['the untyped handle reads anything', `import type { Db } from ${src('core/db/database.ts')}\nexport const f = (db: Db) => db.selectFrom('posts').selectAll().execute()`],
    [
      "posts' executor passed to projects' queries",
      `import type { PostsDb } from ${src('modules/posts/posts.tables.ts')}\nimport { findProjectById } from ${src('modules/projects/projects.queries.ts')}\nexport const f = (db: PostsDb) => findProjectById(db, 'x')`,
    ],
  ] as const
  for (const [name, source] of cases) {
    const r = typecheck(source)
    assert.equal(r.ok, false, `${name} compiled`)
    assert.match(r.output, /error TS2345/, `${name}: ${r.output}`)
  }
})
