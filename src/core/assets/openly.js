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
