// The baseline: a bare Fastify hello-world, served in its own process like the app.
import Fastify from 'fastify'

const app = Fastify({ logger: false })
app.get('/', async () => 'hello world')
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
console.log(`READY ${(app.server.address() as { port: number }).port}`)
