/**
 * A self-contained HTML reference rendered from the OpenAPI document: no script, no CDN, so it
 * works offline in `npm run dev` and sends nothing about the reader to third parties.
 */
interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, unknown>[];
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

interface Document {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}

const escape = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

const json = (value: unknown) => `<pre>${escape(JSON.stringify(value, null, 2))}</pre>`;

function authNote(op: Operation): string {
  if (!op.security?.length) return '<span class="tag">public</span>';
  const optional = op.security.some((s) => Object.keys(s).length === 0);
  return `<span class="tag auth">${optional ? 'optional auth' : 'auth'}</span>`;
}

function renderOperation(method: string, path: string, op: Operation): string {
  const parameters = op.parameters?.length
    ? `<h4>Parameters</h4><ul>${op.parameters
        .map((p) => `<li><code>${escape(p.name)}</code> in ${p.in}${p.required ? ' (required)' : ''}</li>`)
        .join('')}</ul>`
    : '';
  const body = op.requestBody?.content
    ? `<h4>Request body</h4>${Object.entries(op.requestBody.content)
        .map(([type, media]) => `<p><code>${escape(type)}</code></p>${json(media.schema)}`)
        .join('')}`
    : '';
  const responses = Object.entries(op.responses ?? {})
    .map(([status, r]) => `<li><b>${status}</b> ${escape(r.description ?? '')}</li>`)
    .join('');
  return `<details id="${method}-${escape(path)}"><summary><span class="m ${method}">${method.toUpperCase()}</span>
    <code>${escape(path)}</code> ${authNote(op)} ${escape(op.summary ?? '')}</summary>
    ${op.description ? `<p>${escape(op.description)}</p>` : ''}${parameters}${body}<h4>Responses</h4><ul>${responses}</ul></details>`;
}

/** Takes the generated document as plain JSON: only the fields read below matter. */
export function renderDocsPage(generated: object): string {
  const doc = generated as Document;
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? 'Other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), renderOperation(method, path, op)]);
    }
  }
  const sections = [...byTag].map(([tag, ops]) => `<section><h2>${escape(tag)}</h2>${ops.join('')}</section>`);
  const schemas = Object.entries(doc.components?.schemas ?? {})
    .map(([name, schema]) => `<details><summary><code>${escape(name)}</code></summary>${json(schema)}</details>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(doc.info.title)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}
details{border:1px solid #ddd;border-radius:6px;margin:.4rem 0;padding:.4rem .8rem}
summary{cursor:pointer}pre{background:#f6f6f6;padding:.6rem;overflow:auto;font-size:13px}
.m{display:inline-block;min-width:4.2rem;font-weight:700}.get{color:#0a7}.post{color:#07c}.patch{color:#c70}
.put{color:#a5c}.delete{color:#c33}.tag{font-size:12px;border-radius:4px;padding:0 .3rem;background:#eee}
.auth{background:#fde8c8}
</style></head><body><h1>${escape(doc.info.title)} <small>${escape(doc.info.version)}</small></h1>
<p>${escape(doc.info.description ?? '')}</p><p>Machine-readable: <a href="openapi.json">openapi.json</a></p>
${sections.join('')}<section><h2>Schemas</h2>${schemas}</section></body></html>`;
}
