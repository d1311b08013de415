// charts.js: a chart card (ECharts) with the table behind it downloadable
// as CSV (made in the browser) or Excel (made by the server from the same
// table, POST /api/tables/xlsx).
import { apiBlob } from './api.js';
import { t } from './i18n.js';
import { card, downloadBlob, downloadCsv, h, message } from './ui.js';

/*
 * A card titled titleKey holding chart id drawn from option, with a CSV and
 * an Excel button for the table header + rows behind it.
 */
export function chartCard(titleKey, id, option, header, rows) {
  const box = h('div', { class: 'chart', id });
  const status = h('span');
  const xlsx = async () => {
    try {
      downloadBlob(`${id}.xlsx`, await apiBlob('/api/tables/xlsx', { name: t(titleKey), header, rows }));
    } catch (e) { status.replaceChildren(message('err', t('err.load', { message: e.message }))); }
  };
  const section = card(titleKey, box,
    h('button', { type: 'button', class: 'csv', 'data-chart': id, onclick: () => downloadCsv(`${id}.csv`, header, rows) }, t('dash.csv')),
    ' ', h('button', { type: 'button', class: 'xlsx', 'data-xlsx': id, onclick: xlsx }, t('dash.xlsx')), status);
  // Drawn once the card is on the page (a detached box has no size).
  let frames = 0;
  const draw = () => {
    if (!box.isConnected) {
      if (frames++ < 600) requestAnimationFrame(draw);
      return;
    }
    const chart = window.echarts.init(box);
    chart.setOption({ animation: false, tooltip: {}, ...option });
    window.addEventListener('resize', () => chart.resize());
  };
  requestAnimationFrame(draw);
  return section;
}
