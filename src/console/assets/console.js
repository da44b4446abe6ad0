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
