/** How the page is laid out: plain CSS, no framework, readable in light and dark. */
const STYLE = `
:root { color-scheme: light dark; font-family: system-ui, sans-serif; --muted: #666; --line: #ddd; }
@media (prefers-color-scheme: dark) { :root { --muted: #aaa; --line: #444; } }
body { margin: 0 auto; max-width: 1900px; padding: 1rem 1.5rem; }
header h1 { margin: 0 0 .25rem; font-size: 1.5rem; }
#status, .source, .note, .filters { color: var(--muted); font-size: .9rem; margin: .25rem 0; }
.note { font-style: italic; }
form#filters { display: flex; flex-wrap: wrap; gap: .75rem 1.25rem; align-items: end; margin: .75rem 0; }
form#filters label { display: flex; flex-direction: column; font-size: .85rem; gap: .2rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 1rem; }
.chart { border: 1px solid var(--line); border-radius: 6px; padding: .75rem; min-width: 0; }
.chart h3 { margin: 0; font-size: 1.05rem; }
.figure { overflow-x: auto; margin-top: .5rem; }
.actions { margin: .25rem 0; }
details { margin: .25rem 0; font-size: .85rem; }
details pre { white-space: pre-wrap; background: rgba(127,127,127,.1); padding: .5rem; }
details table { border-collapse: collapse; }
details td, details th { border: 1px solid var(--line); padding: .1rem .4rem; text-align: left; }
.left-out li { margin: .25rem 0; }
`;

/** `<` written as an escape, so neither JSON nor script text can end the element that holds it. */
function scriptText(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/**
 * The dashboard's page: for `serve`, its script is fetched from the server;
 * for a report file, the script and the charts' data are written into the
 * page itself, so it opens anywhere with no network.
 */
export function dashboardPage(options: { title: string; script: { src: string } | { inline: string }; report?: unknown }): string {
  const data =
    options.report === undefined
      ? ''
      : `<script id="dashboard-report" type="application/json">${JSON.stringify(options.report).replace(/</g, '\\u003c')}</script>\n`;
  const script = 'src' in options.script ? `<script type="module" src="${options.script.src}"></script>` : `<script type="module">${scriptText(options.script.inline)}</script>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(options.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(options.title)}</h1>
<div id="controls"></div>
<p id="status" role="status">Loading...</p>
</header>
<main id="charts" aria-busy="true"></main>
${data}${script}
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char]!);
}
