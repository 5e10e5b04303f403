import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface Cluster {
  url: string
  /** Stops the server and throws the cluster away. */
  stop(): void
  /** Stops the server (fast shutdown: connections are cut), keeping its data; `resume` starts it again on the same port. */
  pause(): void
  resume(): void
}

function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' })
  return r.status === 0 ? r.stdout.trim() : null
}

/** Finds initdb/pg_ctl on PATH or in Debian's versioned folders. */
function findPgBin(): string | null {
  const initdb = which('initdb')
  if (initdb && which('pg_ctl')) return null === initdb ? null : initdb.replace(/\/initdb$/, '')
  for (const v of ['18', '17', '16', '15', '14', '13']) {
    const dir = `/usr/lib/postgresql/${v}/bin`
    if (spawnSync('test', ['-x', `${dir}/initdb`]).status === 0) return dir
  }
  return null
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}

/**
 * Starts a throwaway PostgreSQL cluster on a free loopback port (fsync off: it is thrown away).
 * As root, the server runs as the `postgres` system user, because initdb refuses root.
 * Returns null with a reason when PostgreSQL is not installed.
 */
export async function startCluster(): Promise<{ cluster: Cluster | null; reason: string }> {
  const bin = findPgBin()
  if (!bin) return { cluster: null, reason: 'initdb/pg_ctl not found (install the postgresql package)' }
  const dir = mkdtempSync(join(tmpdir(), 'openly-pg-'))
  const data = join(dir, 'data')
  const port = await freePort()
  const asRoot = process.getuid?.() === 0
  let run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: 'pipe' })
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim())
    chownSync(dir, uid, gid)
    chmodSync(dir, 0o700)
    run = (cmd, args) => execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' })
  }
  const startServer = () => run(`${bin}/pg_ctl`, ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`, 'start'])
  try {
    run(`${bin}/initdb`, ['-D', data, '-U', 'openly', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8'])
    startServer()
  } catch (err) {
    rmSync(dir, { recursive: true, force: true })
    const e = err as { stderr?: Buffer; message: string }
    return { cluster: null, reason: `starting PostgreSQL failed: ${e.stderr?.toString().trim() || e.message}` }
  }
  return {
    reason: '',
    cluster: {
      url: `postgres://openly@127.0.0.1:${port}/postgres`,
      pause() {
        run(`${bin}/pg_ctl`, ['-D', data, '-m', 'fast', '-w', 'stop'])
      },
      resume() {
        startServer()
      },
      stop() {
        try {
          run(`${bin}/pg_ctl`, ['-D', data, '-m', 'immediate', 'stop'])
        } finally {
          rmSync(dir, { recursive: true, force: true })
        }
      },
    },
  }
}
