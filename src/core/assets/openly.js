// Openly's progressive enhancements. Every feature works without this file.
import { initAll } from '/assets/govuk-frontend.min.js'

initAll()

// Live Markdown preview: forms marked data-preview post their text to the preview endpoint.
for (const form of document.querySelectorAll('form[data-live-preview]')) {
  const textarea = form.querySelector('textarea[data-preview-source]')
  const target = document.getElementById(form.dataset.livePreview)
  if (!textarea || !target) continue
  let timer
  textarea.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(async () => {
      const body = new URLSearchParams({ body: textarea.value, _csrf: form.querySelector('input[name=_csrf]')?.value ?? '' })
      const res = await fetch('/preview', { method: 'POST', body, headers: { accept: 'text/html' } })
      if (res.ok) target.innerHTML = await res.text()
    }, 400)
  })
}

// Search as you type: a field marked data-suggest fills its datalist with matching names from a JSON list
// (`data-suggest` is its address; `?q=` is added, and `&country=` from the field named by data-suggest-country).
// Without this file the form still takes a name and suggests.
for (const input of document.querySelectorAll('input[data-suggest]')) {
  const list = input.list
  if (!list) continue
  let timer
  input.addEventListener('input', () => {
    clearTimeout(timer)
    const q = input.value.trim()
    if (q.length < 2) return
    timer = setTimeout(async () => {
      const url = new URL(input.dataset.suggest, location.href)
      url.searchParams.set('q', q)
      const country = input.dataset.suggestCountry && document.getElementById(input.dataset.suggestCountry)
      if (country) url.searchParams.set('country', country.value)
      const res = await fetch(url, { headers: { accept: 'application/json' } })
      if (!res.ok) return
      const names = await res.json()
      list.replaceChildren(...names.map((name) => Object.assign(document.createElement('option'), { value: name })))
    }, 200)
  })
}
