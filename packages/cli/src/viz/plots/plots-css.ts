/** The plots' stylesheet, scoped to `.faultline-plots` so that it sits in the viewer's page too. */
export const PLOTS_CSS = `
.faultline-plots { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #1d2330; }
.faultline-plots h2 { font-size: 16px; margin: 18px 0 4px; }
.faultline-plots .summary { font-size: 13px; color: #4a5263; margin: 2px 0 10px; }
.faultline-plots .summary .bad { color: #d1333f; font-weight: 600; }
.faultline-plots figure { margin: 8px 0 18px; }
.faultline-plots figcaption { font-size: 14px; font-weight: 650; margin-bottom: 2px; }
.faultline-plots figcaption .note { font-weight: 400; font-size: 12px; color: #6b7383; margin-left: 8px; }
.faultline-plots svg.plot { display: block; max-width: 100%; height: auto; background: #fff; border: 1px solid #e3e6ee; border-radius: 6px; }
.faultline-plots svg text { font-size: 11px; fill: #4a5263; font-family: system-ui, "DejaVu Sans", sans-serif; }
.faultline-plots .axis line, .faultline-plots .axis .domain { stroke: #8a92a3; }
.faultline-plots .axis .grid, .faultline-plots .grid { stroke: #eef0f5; }
.faultline-plots .axis-label { font-size: 12px; fill: #1d2330; }
.faultline-plots .violation line { stroke: #d1333f; stroke-width: 2; stroke-dasharray: 5 3; }
.faultline-plots .violation text { fill: #d1333f; font-weight: 650; }
.faultline-plots .row-label { font-size: 13px; font-weight: 650; fill: #1d2330; }
.faultline-plots .row-note { font-size: 10px; }
.faultline-plots table { border-collapse: collapse; font-size: 12px; margin: 4px 0 14px; }
.faultline-plots td, .faultline-plots th { border-bottom: 1px solid #e3e6ee; padding: 3px 10px 3px 0; text-align: left; }
.faultline-plots code { background: #f1f3f8; padding: 1px 4px; border-radius: 3px; font-size: 12px; }
`;
