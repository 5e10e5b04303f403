/**
 * Import-boundary check (ARCHITECTURE.md, "Rules that keep modules independent"), run by
 * `npm test` after the type-check, or alone: `node scripts/check-boundaries.ts` (exit 1 on a violation).
 *
 * 1. `src/core/**` imports no feature module (`src/modules/**`) and no composition root
 *    (`src/modules.ts`, `src/database.ts`, `src/app.ts`, `src/main.ts`).
 * 2. A module (`src/modules/<id>/**`) imports its own folder, `src/core/**`, node built-ins and npm
 *    packages; from another module only that module's use-case file `src/modules/<other>/<other>.ts`
 *    (never its queries, tables, routes, index.ts or views), and only if `<other>` is in its
 *    `dependsOn`. No module imports a composition root.
 *    Only accounts may import the core's identity and search table types (other modules look people up
 *    through accounts; the search index is written through core/search).
 * 3. Tests may import anything: `*.test.ts` are not cruised; test/, bench/, scripts/ lie outside src/.
 * 4. `import type` counts. dependency-cruiser reads .ts with the swc parser (@swc/core), which keeps
 *    type-only imports; its `tsPreCompilationDeps` needs the `typescript` compiler API (< 7), which
 *    TypeScript 7 no longer ships; without swc it would skip .ts files or half-parse them with acorn-loose.
 *
 * The allowed module → module edges come from `modules` in src/modules.ts (each manifest's dependsOn).
 */
import { resolve } from 'node:path'
import { cruise, getAvailableTranspilers, type ICruiseResult, type IForbiddenRuleType } from 'dependency-cruiser'

export interface ModuleDeps {
  id: string
  dependsOn: readonly string[]
}

export interface Violation {
  from: string
  to: string
  rule: string
  explanation: string
}

const COMPOSITION_ROOT = '^src/(modules|database|app|main)[.]ts$'

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The forbidden rules; paths are relative to the root. `$1` in `to` is the group matched in `from`. */
export function boundaryRules(modules: readonly ModuleDeps[]): IForbiddenRuleType[] {
  const rules: IForbiddenRuleType[] = [
    {
      name: 'core-imports-no-module',
      comment: 'src/core imports no feature module and no composition root',
      from: { path: '^src/core/' },
      to: { path: `^src/modules/|${COMPOSITION_ROOT}` },
    },
    {
      name: 'module-imports-no-composition-root',
      comment: 'a module does not import the composition root (src/modules.ts, database.ts, app.ts, main.ts)',
      from: { path: '^src/modules/' },
      to: { path: COMPOSITION_ROOT },
    },
    {
      name: 'identity-tables-only-accounts',
      comment: 'people are looked up through the accounts module: only it (and core) may type an executor with the core users/sessions or search tables',
      from: { path: '^src/modules/', pathNot: '^src/modules/accounts/' },
      to: { path: '^src/core/(core[.]tables|auth/auth[.]tables|search/search[.]tables)[.]ts$' },
    },
    {
      name: 'only-use-case-files',
      comment: 'another module is used only through its use-case file src/modules/<other>/<other>.ts',
      from: { path: '^src/modules/([^/]+)/' },
      // allowed: the importer's own folder ($1), or any module's <id>/<id>.ts (\2 repeats the folder name)
      to: { path: '^src/modules/', pathNot: '^src/modules/($1/|([^/]+)/\\2[.]ts$)' },
    },
  ]
  for (const { id, dependsOn } of modules) {
    rules.push({
      name: `dependsOn-${id}`,
      comment: `module ${id} may use only the modules in its dependsOn (${dependsOn.join(', ') || 'none'})`,
      from: { path: `^src/modules/${escape(id)}/` },
      to: {
        path: '^src/modules/([^/]+)/\\1[.]ts$',
        pathNot: `^src/modules/(${[id, ...dependsOn].map(escape).join('|')})/`,
      },
    })
  }
  for (const rule of rules) rule.severity = 'error'
  return rules
}

/** Cruises `<root>/src` and returns the number of files read and every boundary violation. */
export async function checkBoundaries({ root, modules }: { root: string; modules: readonly ModuleDeps[] }): Promise<{ files: number; violations: Violation[] }> {
  // Without a parser for .ts (TypeScript 7 offers none to dependency-cruiser), .ts files would be skipped silently.
  if (!getAvailableTranspilers().some((t) => t.name === 'swc' && t.available)) {
    throw new Error('check-boundaries: dependency-cruiser cannot read .ts files without @swc/core (npm ci)')
  }
  const rules = boundaryRules(modules)
  const { output } = await cruise(['src'], {
    baseDir: root,
    parser: 'swc',
    includeOnly: '^src/',
    exclude: '[.]test[.]ts$',
    doNotFollow: 'node_modules',
    validate: true,
    ruleSet: { forbidden: rules },
  })
  const result = output as ICruiseResult
  const comments = new Map(rules.map((rule) => [rule.name, rule.comment ?? '']))
  const violations = result.summary.violations.map(({ from, to, rule }) => ({ from, to, rule: rule.name, explanation: comments.get(rule.name) ?? '' }))
  return { files: result.summary.totalCruised, violations }
}

if (import.meta.main) {
  const { modules } = await import('../src/modules.ts')
  const root = resolve(import.meta.dirname, '..')
  const { files, violations } = await checkBoundaries({ root, modules })
  for (const v of violations) console.log(`${v.from} → ${v.to}: ${v.rule}: ${v.explanation}`)
  if (violations.length) {
    console.error(`${violations.length} boundary violation${violations.length === 1 ? '' : 's'} in ${files} files`)
    process.exit(1)
  }
  console.log(`${files} files, no boundary violations`)
}
