/// The report's inline style sheet: readable on a laptop screen, sober in print.
enum ReportStyle {
    static let css = """
    :root { color-scheme: light; --ink: #1d232b; --muted: #5b6573; --line: #d9dee5; --accent: #2f5fb3; --warn: #a33b1f; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--ink); background: #f6f7f9; }
    header { background: #1d2b45; color: #fff; padding: 18px 32px; }
    header h1 { margin: 0 0 4px; font-size: 22px; }
    header p { margin: 0; color: #c9d3e6; }
    nav { padding: 8px 32px; background: #fff; border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 1; }
    nav a { margin-right: 16px; color: var(--accent); text-decoration: none; white-space: nowrap; }
    main { max-width: 1180px; margin: 0 auto; padding: 8px 32px 48px; }
    section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 4px 20px 16px; margin: 18px 0; }
    h2 { font-size: 18px; margin: 14px 0 8px; }
    h3 { font-size: 15px; margin: 16px 0 6px; }
    .cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0; }
    .card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 130px; }
    .card b { display: block; font-size: 22px; }
    .card span { color: var(--muted); font-size: 13px; }
    .card.warn b { color: var(--warn); }
    dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
    dl.meta dt { color: var(--muted); }
    dl.meta dd { margin: 0; }
    .table { overflow-x: auto; }
    table { border-collapse: collapse; width: 100%; font-size: 14px; }
    th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; white-space: pre-wrap; overflow-wrap: anywhere; }
    th { background: #eef1f5; position: relative; user-select: none; white-space: nowrap; }
    th[data-sort] { cursor: pointer; }
    th[data-sort="asc"]::after { content: " ▲"; } th[data-sort="desc"]::after { content: " ▼"; }
    .num { text-align: right; font-variant-numeric: tabular-nums; }
    tbody tr:nth-child(even) { background: #fafbfc; }
    .controls { display: flex; align-items: center; gap: 8px; margin: 8px 0; }
    .controls input { flex: 0 1 320px; padding: 4px 8px; font: inherit; border: 1px solid var(--line); border-radius: 4px; }
    .controls button { font: inherit; padding: 3px 10px; border: 1px solid var(--line); border-radius: 4px; background: #fff; cursor: pointer; }
    .controls button:disabled { opacity: .4; cursor: default; }
    .status, .empty, .note { color: var(--muted); font-size: 13px; margin: 6px 0; }
    .finding-count { font-weight: normal; color: var(--muted); }
    .finding-count.warn { color: var(--warn); }
    svg.chart { max-width: 100%; height: auto; font: 12px system-ui, sans-serif; }
    svg.chart rect { fill: var(--accent); }
    svg.chart text { fill: var(--ink); }
    .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(720px, 1fr)); gap: 8px 24px; }
    .charts figure { margin: 0; }
    code { font-size: 13px; }
    @media print {
      body { background: #fff; font-size: 11pt; }
      header { background: none; color: #000; padding: 0 0 8px; border-bottom: 2px solid #000; }
      header p { color: #333; }
      nav, .controls { display: none; }
      main { max-width: none; padding: 0; }
      section { border: none; padding: 0; margin: 12px 0; break-inside: auto; }
      h2 { break-after: avoid; }
      thead { display: table-header-group; }
      tr { break-inside: avoid; }
      svg.chart rect { fill: #555; }
    }
    """
}
