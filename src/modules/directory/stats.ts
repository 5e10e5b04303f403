/** A count table whose rows carry a bar: the chart and the table are one element, readable by everyone. */
export function tableOf(caption: string, heading: string, values: Array<{ value: string; label?: string; count: number }>, link: (value: string) => string) {
  const max = Math.max(1, ...values.map((v) => v.count))
  return { caption, heading, rows: values.map((v) => ({ label: v.label ?? v.value, href: link(v.value), count: v.count, percent: Math.round((v.count / max) * 100) })) }
}

/** Per month: organisations and projects added, and the running totals (growth over time). */
export function monthlyGrowth(organisations: Array<{ value: string; count: number }>, projects: Array<{ value: string; count: number }>) {
  const months = [...new Set([...organisations, ...projects].map((m) => m.value))].sort()
  const o = new Map(organisations.map((m) => [m.value, m.count]))
  const p = new Map(projects.map((m) => [m.value, m.count]))
  let totalO = 0
  let totalP = 0
  const rows = months.map((month) => {
    totalO += o.get(month) ?? 0
    totalP += p.get(month) ?? 0
    return { month, label: new Date(`${month}-01T00:00:00Z`).toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }), organisations: o.get(month) ?? 0, projects: p.get(month) ?? 0, totalOrganisations: totalO, totalProjects: totalP }
  })
  const max = Math.max(1, totalO + totalP)
  return rows.map((r) => ({ ...r, percent: Math.round(((r.totalOrganisations + r.totalProjects) / max) * 100) }))
}
