/** The dashboard's whole stylesheet, inlined in every page (works offline, no asset pipeline). */
export const dashboardCss = `
:root { --bg:#f6f7f9; --card:#fff; --ink:#1d2330; --mute:#6b7385; --line:#e2e5eb; --accent:#2f6fde; --bad:#c23b3b; --ok:#23864a; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background:var(--bg); color:var(--ink); }
header.top { background:#1d2330; color:#fff; padding:10px 20px; display:flex; gap:20px; align-items:center; }
header.top a { color:#fff; text-decoration:none; opacity:.85; } header.top a:hover { opacity:1; }
header.top .brand { font-weight:700; opacity:1; }
main { padding:20px; max-width:1400px; margin:0 auto; }
h1 { font-size:22px; margin:0 0 4px; } h2 { font-size:17px; margin:24px 0 8px; }
a { color:var(--accent); }
.crumbs { color:var(--mute); margin-bottom:12px; } .crumbs a { color:var(--mute); }
.muted { color:var(--mute); }
table { border-collapse:collapse; width:100%; background:var(--card); border:1px solid var(--line); }
th, td { text-align:left; padding:6px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:#eef0f4; font-weight:600; } td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
.stats { display:flex; flex-wrap:wrap; gap:10px; margin:12px 0; }
.stat { background:var(--card); border:1px solid var(--line); border-radius:6px; padding:8px 14px; min-width:110px; }
.stat b { display:block; font-size:20px; } .stat span { color:var(--mute); font-size:12px; }
.bad { color:var(--bad); } .ok { color:var(--ok); }
.toolbar { display:flex; gap:8px; align-items:center; margin:10px 0; flex-wrap:wrap; }
.toolbar a.on { font-weight:700; color:var(--ink); text-decoration:none; }
.grid { display:grid; grid-template-columns:repeat(auto-fill, minmax(150px, 1fr)); gap:12px; }
.person { background:var(--card); border:1px solid var(--line); border-radius:8px; overflow:hidden; text-decoration:none; color:inherit; display:block; }
.person:hover { border-color:var(--accent); }
.person img, .person .noimg { width:100%; aspect-ratio:1; object-fit:cover; display:block; background:#dde1e8; }
.person .meta { padding:6px 8px; font-size:12px; } .person .name { font-weight:600; font-size:13px; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
.photos { display:grid; grid-template-columns:repeat(auto-fill, minmax(320px, 1fr)); gap:14px; }
.photo { background:var(--card); border:1px solid var(--line); border-radius:8px; overflow:hidden; }
.frame { position:relative; line-height:0; } .frame img { width:100%; display:block; }
.box { position:absolute; border:2px solid rgba(255,255,255,.8); box-shadow:0 0 0 1px rgba(0,0,0,.5); }
.box.mine { border-color:#34d17a; box-shadow:0 0 0 1px rgba(0,0,0,.6), 0 0 6px rgba(52,209,122,.8); }
.box label { position:absolute; left:0; top:0; background:#34d17a; color:#04210f; font:600 11px/16px system-ui; padding:0 4px; white-space:nowrap; }
.photo .caption { padding:6px 10px; font-size:12px; word-break:break-all; }
.faces { font-size:12px; } .faces td { padding:3px 6px; }
.pager { margin:14px 0; }
.tag { display:inline-block; padding:0 6px; border-radius:4px; background:#eef0f4; font-size:12px; }
.tag.Succeeded { background:#d9f2e2; } .tag.Failed { background:#f7dada; } .tag.Running { background:#dde8fb; }
.empty { padding:30px; text-align:center; color:var(--mute); background:var(--card); border:1px dashed var(--line); border-radius:8px; }
`;
