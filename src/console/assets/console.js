// kafkaplane console: the lag chart (uPlot, served by the console). Pages work without this script; it only adds
// the chart. No inline script anywhere: the CSP allows scripts from /assets only.
(() => {
  const el = document.getElementById('lag-chart');
  if (!el || typeof uPlot === 'undefined') return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = '/assets/uplot.css';
  document.head.appendChild(link);
  let chart;
  const draw = async () => {
    const res = await fetch(el.dataset.src, { credentials: 'same-origin' });
    if (!res.ok) return;
    const data = await res.json();
    const series = [data.t, data.lag];
    if (chart) chart.setData(series);
    else {
      chart = new uPlot(
        { width: Math.min(900, el.clientWidth || 800), height: 240, series: [{}, { label: 'lag (records)', stroke: '#1f5fbf', width: 2 }], axes: [{}, { label: 'records' }] },
        series,
        el,
      );
    }
  };
  draw();
  setInterval(draw, 10000);
})();

// Live tail (messages page): server-sent events, one escaped table row per record, newest first, at most 200 kept.
(() => {
  const section = document.getElementById('tail-section');
  if (!section || typeof EventSource === 'undefined') return;
  section.hidden = false;
  const start = document.getElementById('tail-start');
  const stop = document.getElementById('tail-stop');
  const status = document.getElementById('tail-status');
  const rows = document.getElementById('tail-rows');
  let source;
  const end = (text) => {
    if (source) source.close();
    source = undefined;
    start.disabled = false;
    stop.disabled = true;
    if (text) status.textContent = text;
  };
  start.addEventListener('click', () => {
    end();
    source = new EventSource(section.dataset.src);
    start.disabled = true;
    stop.disabled = false;
    status.textContent = 'connecting…';
    source.addEventListener('status', (e) => {
      status.textContent = e.data;
      if (e.data.startsWith('stopped') || e.data.startsWith('ended')) end();
    });
    source.addEventListener('record', (e) => {
      const body = document.createElement('tbody');
      body.innerHTML = e.data;
      if (body.firstElementChild) rows.prepend(body.firstElementChild);
      while (rows.children.length > 200) rows.lastElementChild.remove();
    });
    source.onerror = () => end('disconnected');
  });
  stop.addEventListener('click', () => end('stopped'));
})();

// Live search (messages page): with a search string, the form's search runs as server-sent events — a progress line
// (records scanned, matches, position) that moves while it runs, matches as they are found, and a Stop button that
// ends the scan (closing the stream stops it on the server). Without JavaScript the form's GET gives the bounded search.
(() => {
  const form = document.getElementById('browse-form');
  const records = document.getElementById('records');
  if (!form || !records || typeof EventSource === 'undefined') return;
  form.addEventListener('submit', (event) => {
    const data = new FormData(form);
    if (String(data.get('search') ?? '') === '') return;
    event.preventDefault();
    const params = new URLSearchParams();
    for (const [k, v] of data.entries()) params.append(k, String(v));
    records.replaceChildren();
    const line = document.createElement('p');
    line.className = 'progress';
    line.id = 'search-progress';
    line.setAttribute('role', 'status');
    line.textContent = 'Searching…';
    const stop = document.createElement('button');
    stop.type = 'button';
    stop.id = 'search-stop';
    stop.textContent = 'Stop the search';
    const controls = document.createElement('p');
    controls.append(stop);
    const table = document.createElement('table');
    table.className = 'records';
    table.innerHTML = '<thead><tr><th scope="col">Offset</th><th scope="col">Timestamp</th><th scope="col">Key</th><th scope="col">Headers</th><th scope="col">Value</th></tr></thead>';
    const rows = document.createElement('tbody');
    rows.id = 'search-rows';
    table.append(rows);
    records.append(line, controls, table);
    let last;
    const source = new EventSource(`${form.dataset.search}?${params.toString()}`);
    const finish = () => {
      source.close();
      stop.disabled = true;
    };
    source.addEventListener('progress', (e) => {
      last = JSON.parse(e.data);
      line.textContent = `Searching partition ${last.partition}: ${last.scanned} records scanned, ${last.found} found; at offset ${last.position} of ${last.end} (from ${last.from}).`;
    });
    source.addEventListener('record', (e) => {
      const body = document.createElement('tbody');
      body.innerHTML = e.data;
      if (body.firstElementChild) rows.append(body.firstElementChild);
    });
    source.addEventListener('done', (e) => {
      finish();
      // The summary line the server wrote (escaped there), with its "Continue the search" link.
      const holder = document.createElement('div');
      holder.innerHTML = e.data;
      if (holder.firstElementChild) {
        holder.firstElementChild.id = 'search-progress';
        line.replaceWith(holder.firstElementChild);
      }
    });
    source.addEventListener('failed', (e) => {
      finish();
      line.textContent = `The search failed: ${e.data}`;
    });
    source.onerror = () => {
      if (stop.disabled) return;
      finish();
      line.textContent = 'The search was disconnected.';
    };
    stop.addEventListener('click', () => {
      finish();
      if (!last) {
        line.textContent = 'Stopped before any record was scanned.';
        return;
      }
      line.textContent = `Stopped: searched ${last.scanned} records from offset ${last.from}, found ${last.found}; next offset ${last.position}. `;
      if (BigInt(last.position) < BigInt(last.end)) {
        const more = new URLSearchParams(params);
        more.set('from', 'offset');
        more.set('offset', last.position);
        const link = document.createElement('a');
        link.href = `${form.getAttribute('action')}?${more.toString()}`;
        link.textContent = 'Continue the search';
        line.append(link);
      }
    });
  });
})();
