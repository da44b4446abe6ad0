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
