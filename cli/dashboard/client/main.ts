// The page's script (type-checked with the DOM by its own tsconfig.json), bundled with Observable Plot by esbuild (client-bundle.ts): it runs in the browser only.
import * as Plot from '@observablehq/plot';
import type { ChartData, ChartInfo, DashboardFilters, DashboardMeta, LeftOutChart } from '../wire-types.js';

/** What `docker-reports report` writes into the page instead of serving it. */
interface EmbeddedReport {
  readonly meta: DashboardMeta;
  readonly filters: DashboardFilters;
  readonly charts: ChartData[];
  readonly generatedAt: string;
}

const FILTER_KEYS = ['org', 'namespace', 'from', 'to', 'repo'] as const;
const numberFormat = new Intl.NumberFormat('en');
const percentFormat = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 });

const embeddedElement = document.getElementById('dashboard-report');
const embedded = embeddedElement ? (JSON.parse(embeddedElement.textContent ?? '{}') as EmbeddedReport) : undefined;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function filtersFromUrl(): DashboardFilters {
  const params = new URLSearchParams(location.search);
  const filters: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) filters[key] = value;
  }
  return filters;
}

function queryString(filters: DashboardFilters): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  const body = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `${path}: HTTP ${response.status}`);
  return body;
}

/** A chart's rows as objects keyed by column, dates as dates. */
function records(chart: ChartInfo, data: ChartData): Record<string, unknown>[] {
  return data.rows.map((row) => {
    const record: Record<string, unknown> = {};
    data.columns.forEach((column, index) => {
      const value = row[index];
      record[column] = column === chart.encoding.time && typeof value === 'string' ? new Date(`${value}T00:00:00Z`) : value;
    });
    return record;
  });
}

function formatValue(chart: ChartInfo, value: unknown): string {
  if (typeof value !== 'number') return value === null || value === undefined ? '' : String(value);
  return chart.encoding.percent ? percentFormat.format(value) : numberFormat.format(value);
}

function labelOf(chart: ChartInfo, record: Record<string, unknown>): string {
  return (chart.encoding.label ?? []).map((column) => (record[column] === '' || record[column] === null ? '(none)' : String(record[column]))).join(':');
}

/** The Plot figure of a chart: the marks its kind draws, one series per value of its series column (or per value column). */
function plotOf(chart: ChartInfo, data: ChartData, width: number): SVGSVGElement | HTMLElement {
  const rows = records(chart, data);
  const { time, series, values, percent } = chart.encoding;
  const value = values[0]!;
  const common = { width, height: 280, marginLeft: 60, ariaLabel: chart.title, ariaDescription: `${chart.title}, from table ${chart.table}` };
  const yAxis = { grid: true, label: percent ? 'share (%)' : values.join(', '), ...(percent ? { percent: true } : {}) };
  switch (chart.kind) {
    case 'stacked-area':
      return Plot.plot({
        ...common,
        x: { type: 'utc', label: time },
        y: yAxis,
        color: { legend: true, label: series },
        marks: [Plot.areaY(rows, { x: time, y: value, fill: series, z: series, tip: true }), Plot.ruleY([0])],
      });
    case 'lines': {
      // Value columns become series: users and IPs, version checks and pulls.
      const long = rows.flatMap((row) => values.map((column) => ({ x: row[time!], y: row[column], series: column })));
      return Plot.plot({
        ...common,
        x: { type: 'utc', label: time },
        y: yAxis,
        color: { legend: true, domain: [...values] },
        marks: [Plot.lineY(long, { x: 'x', y: 'y', stroke: 'series', z: 'series', tip: true }), Plot.ruleY([0])],
      });
    }
    case 'stacked-bars': {
      const banded = rows.map((row) => ({ ...row, [time!]: (row[time!] as Date).toISOString().slice(0, 10) }));
      return Plot.plot({
        ...common,
        x: { type: 'band', label: time },
        y: yAxis,
        color: { legend: true, label: series },
        marks: [Plot.barY(banded, { x: time, y: value, fill: series, tip: true }), Plot.ruleY([0])],
      });
    }
    case 'bars': {
      const labelled = rows.map((row) => ({ label: labelOf(chart, row), value: row[value] }));
      return Plot.plot({
        ...common,
        height: Math.max(120, 26 * labelled.length + 40),
        marginLeft: 220,
        marginRight: 70,
        x: { grid: true, label: value },
        y: { label: null, domain: labelled.map((row) => row.label) },
        marks: [
          Plot.barX(labelled, { x: 'value', y: 'label', fill: 'steelblue', tip: true }),
          Plot.text(labelled, { x: 'value', y: 'label', text: (row: { value: unknown }) => formatValue(chart, row.value), textAnchor: 'start', dx: 4 }),
          Plot.ruleX([0]),
        ],
      });
    }
  }
}

/** The chart as a PNG: its SVG drawn onto a canvas at twice its size, white behind it. */
async function downloadPng(svg: SVGSVGElement, name: string): Promise<void> {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  const { width, height } = svg.getBoundingClientRect();
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(clone)], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * 2);
    canvas.height = Math.ceil(height * 2);
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) return;
    const link = element('a', { href: URL.createObjectURL(blob), download: `${name}.png` });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  } finally {
    URL.revokeObjectURL(url);
  }
}

function dataTable(chart: ChartInfo, data: ChartData): HTMLTableElement {
  const table = element('table');
  const head = table.createTHead().insertRow();
  for (const column of data.columns) head.append(element('th', { scope: 'col' }, column));
  const body = table.createTBody();
  for (const row of data.rows) {
    const tr = body.insertRow();
    row.forEach((value) => tr.append(element('td', {}, typeof value === 'number' && !chart.encoding.percent ? String(value) : formatValue(chart, value))));
  }
  return table;
}

/** A chart's place on the page: title, what it reads, then its figure, data and SQL once they come. */
function section(chart: ChartInfo): HTMLElement {
  const node = element('section', { class: 'chart', id: `chart-${chart.id}`, 'aria-labelledby': `title-${chart.id}`, 'data-chart': chart.id });
  node.append(element('h3', { id: `title-${chart.id}` }, chart.title));
  const source = element('p', { class: 'source' });
  source.append('Table ', element('code', {}, chart.table), ', columns ', element('code', {}, chart.columns.join(', ')));
  node.append(source);
  if (chart.note) node.append(element('p', { class: 'note' }, chart.note));
  node.append(element('div', { class: 'figure' }, 'Loading...'));
  return node;
}

function draw(node: HTMLElement, chart: ChartInfo, data: ChartData): void {
  node.querySelectorAll('.figure, details, .actions').forEach((old) => old.remove());
  const figure = element('div', { class: 'figure' });
  if (data.rows.length === 0) figure.append(element('p', { class: 'empty' }, 'No data for these filters.'));
  else figure.append(plotOf(chart, data, Math.max(320, Math.min(node.clientWidth - 24, 900))));
  node.append(figure);
  const actions = element('div', { class: 'actions' });
  const svg = figure.querySelector<SVGSVGElement>('svg[aria-label]') ?? figure.querySelector('svg');
  if (svg) {
    const png = element('button', { type: 'button' }, 'Save PNG');
    png.addEventListener('click', () => void downloadPng(svg, chart.id));
    actions.append(png);
  }
  node.append(actions);
  const rows = element('details', { class: 'data' });
  rows.append(element('summary', {}, `Data (${data.rows.length} rows)`), dataTable(chart, data));
  const sql = element('details', { class: 'sql' });
  sql.append(element('summary', {}, 'SQL (runs in Athena and docker-reports query)'), element('pre', {}, data.sql));
  node.append(rows, sql);
}

function leftOutList(leftOut: readonly LeftOutChart[]): HTMLElement | undefined {
  if (leftOut.length === 0) return undefined;
  const node = element('section', { class: 'left-out', 'aria-labelledby': 'left-out-title' });
  node.append(element('h2', { id: 'left-out-title' }, 'Charts left out'));
  const list = element('ul');
  for (const chart of leftOut) {
    const item = element('li', { 'data-chart': chart.id });
    item.append(element('strong', {}, chart.title), `: ${chart.note}`);
    list.append(item);
  }
  node.append(list);
  return node;
}

function option(value: string, label: string, selected: boolean): HTMLOptionElement {
  const node = element('option', { value }, label);
  node.selected = selected;
  return node;
}

/** The filter form, set from the URL; a change puts the filters in the URL (bookmarkable) and redraws. */
function filterForm(meta: DashboardMeta, filters: DashboardFilters, onChange: (filters: DashboardFilters) => void): HTMLFormElement {
  const form = element('form', { id: 'filters', 'aria-label': 'Filters' });
  const field = (label: string, control: HTMLElement) => {
    const wrapper = element('label', {}, label);
    wrapper.append(control);
    form.append(wrapper);
  };
  if (meta.orgs.length > 0) {
    const org = element('select', { name: 'org' });
    org.append(option('', 'all orgs', !filters.org), ...meta.orgs.map((name) => option(name, name, filters.org === name)));
    field('Org ', org);
  }
  if (meta.namespaces.length > 0) {
    const namespace = element('select', { name: 'namespace' });
    namespace.append(option('', 'all namespaces', !filters.namespace), ...meta.namespaces.map((name) => option(name, name, filters.namespace === name)));
    field('Namespace ', namespace);
  }
  for (const key of ['from', 'to'] as const) {
    const input = element('input', { type: 'date', name: key, ...(meta.dates.first ? { min: meta.dates.first } : {}), ...(meta.dates.last ? { max: meta.dates.last } : {}) });
    input.value = filters[key] ?? '';
    field(key === 'from' ? 'From ' : 'To ', input);
  }
  const repo = element('input', { type: 'search', name: 'repo', list: 'repositories', placeholder: 'all repositories', size: '28' });
  repo.value = filters.repo ?? '';
  const list = element('datalist', { id: 'repositories' });
  list.append(...meta.repositories.map((name) => element('option', { value: name })));
  field('Repository ', repo);
  form.append(list);
  const reset = element('button', { type: 'reset' }, 'Clear');
  form.append(reset);
  const read = (): DashboardFilters => {
    const data = new FormData(form);
    const out: Record<string, string> = {};
    for (const key of FILTER_KEYS) {
      const value = data.get(key);
      if (typeof value === 'string' && value !== '') out[key] = value;
    }
    return out;
  };
  form.addEventListener('change', () => onChange(read()));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onChange(read());
  });
  form.addEventListener('reset', () => setTimeout(() => onChange(read())));
  return form;
}

function describeFilters(filters: DashboardFilters): string {
  const parts = [
    filters.org ? `org ${filters.org}` : 'all orgs',
    ...(filters.namespace ? [`namespace ${filters.namespace}`] : []),
    filters.from || filters.to ? `${filters.from ?? 'the first report'} to ${filters.to ?? 'the last'}` : 'every date',
    filters.repo ? `repository ${filters.repo}` : 'every repository',
  ];
  return parts.join(', ');
}

async function main(): Promise<void> {
  const main = document.getElementById('charts')!;
  const status = document.getElementById('status')!;
  const meta = embedded ? embedded.meta : await getJson<DashboardMeta>('/dashboard/api/meta');
  let filters = embedded ? embedded.filters : filtersFromUrl();
  const controls = document.getElementById('controls')!;
  if (embedded) controls.append(element('p', { class: 'filters' }, `Report of ${describeFilters(filters)}, made ${embedded.generatedAt}.`));

  const sections = new Map<string, HTMLElement>();
  const groups: [string, ChartInfo[]][] = [
    ['Docker Business and Enterprise usage', meta.charts.filter((chart) => chart.source === 'enterprise')],
    ['Docker Verified Publisher pulls', meta.charts.filter((chart) => chart.source === 'dvp')],
  ];
  for (const [title, charts] of groups) {
    if (charts.length === 0) continue;
    main.append(element('h2', {}, title));
    const grid = element('div', { class: 'grid' });
    for (const chart of charts) {
      const node = section(chart);
      sections.set(chart.id, node);
      grid.append(node);
    }
    main.append(grid);
  }
  const notes = leftOutList(meta.leftOut);
  if (notes) main.append(notes);
  if (meta.charts.length === 0) main.prepend(element('p', { class: 'empty' }, 'The lake has no table these charts can read yet: run docker-reports sync first.'));

  let generation = 0;
  const redraw = async () => {
    const mine = ++generation;
    main.setAttribute('aria-busy', 'true');
    status.textContent = 'Loading...';
    const failures: string[] = [];
    await Promise.all(
      meta.charts.map(async (chart) => {
        try {
          const data = embedded ? embedded.charts.find((candidate) => candidate.id === chart.id)! : await getJson<ChartData>(`/dashboard/api/charts/${chart.id}${queryString(filters)}`);
          if (mine === generation) draw(sections.get(chart.id)!, chart, data);
        } catch (error) {
          failures.push(`${chart.title}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
    );
    if (mine !== generation) return;
    status.textContent = failures.length === 0 ? `Showing ${describeFilters(filters)}.` : `Some charts could not load: ${failures.join('; ')}`;
    main.setAttribute('aria-busy', 'false');
  };

  if (!embedded) {
    const changed = (next: DashboardFilters) => {
      filters = next;
      history.pushState(null, '', `${location.pathname}${queryString(filters)}`);
      void redraw();
    };
    let form = filterForm(meta, filters, changed);
    controls.append(form);
    // Back and forward walk the bookmarked views.
    window.addEventListener('popstate', () => {
      filters = filtersFromUrl();
      const next = filterForm(meta, filters, changed);
      form.replaceWith(next);
      form = next;
      void redraw();
    });
  }
  await redraw();
}

main().catch((error: unknown) => {
  const status = document.getElementById('status');
  if (status) status.textContent = `The dashboard could not load: ${error instanceof Error ? error.message : String(error)}`;
});
