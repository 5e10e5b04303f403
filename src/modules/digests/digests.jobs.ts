import { defineJob } from '../../core/jobs/jobs.ts'
import { sendBatch } from './send.ts'

/** Recipients per job: a batch is small enough to finish well within a job's time, large enough to be few jobs. */
export const BATCH_SIZE = 50

/** Sends a digest to one batch of its recipients (resumable: see send.ts). */
export const sendBatchJob = defineJob<{ digestId: string; userIds: string[] }>({
  name: 'digests.send-batch',
  retry: { limit: 5, delaySeconds: 60, backoff: true },
  async run({ digestId, userIds }, { app }) {
    await sendBatch(app, digestId, userIds)
  },
})
