/**
 * Eta templates of the dashboard, as strings so tsc, ts-node and jest need no asset copying.
 * `<%= %>` escapes HTML; `<%~ %>` is used only for markup built by these templates themselves.
 */
export const templates: Record<string, string> = {
  '@layout': `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title><%= it.title %> · facecluster</title><style><%~ it.css %></style></head>
<body><header class="top"><a class="brand" href="/dashboard">facecluster</a><a href="/dashboard">Datasets</a><a href="/admin/queues">Queues</a><a href="/api/docs">API</a><a href="/metrics">Metrics</a></header>
<main><%~ it.body %></main></body></html>`,

  '@overview': `<% layout('@layout') %>
<h1>Projects and datasets</h1>
<% if (it.projects.length === 0) { %><div class="empty">No project yet. Create one with <code>POST /api/v1/CreateProject</code> or run <code>npm run demo -- &lt;folder&gt;</code>.</div><% } %>
<% for (const p of it.projects) { %>
<h2><%= p.project.name %> <span class="muted">· <%= p.datasets.length %> dataset(s)</span></h2>
<table><thead><tr><th>Dataset</th><th class="num">Files</th><th class="num">Faces</th><th class="num">People</th><th class="num">Unclustered faces</th><th class="num">Failed files</th><th class="num">Pending</th><th>Updated</th></tr></thead><tbody>
<% for (const d of p.datasets) { %><tr>
<td><a href="/dashboard/datasets/<%= d.dataset.id %>"><%= d.dataset.name %></a></td>
<td class="num"><%= d.counts.fileCount %></td><td class="num"><%= d.counts.figureCount %></td><td class="num"><%= d.counts.figureClusterCount %></td>
<td class="num"><%= d.counts.unclusteredFigureCount + d.counts.independentFigureCount %></td>
<td class="num <%= d.counts.failedFileCount ? 'bad' : '' %>"><% if (d.counts.failedFileCount) { %><a class="bad" href="/dashboard/datasets/<%= d.dataset.id %>/failed"><%= d.counts.failedFileCount %></a><% } else { %>0<% } %></td>
<td class="num"><%= d.counts.pendingFileCount %></td><td class="muted"><%= it.fmt.time(d.dataset.updateTime) %></td>
</tr><% } %>
<% if (p.datasets.length === 0) { %><tr><td colspan="8" class="muted">No dataset.</td></tr><% } %>
</tbody></table>
<% } %>`,

  '@dataset-head': `<div class="crumbs"><a href="/dashboard">Datasets</a> / <%= it.project.name %> / <a href="/dashboard/datasets/<%= it.dataset.id %>"><%= it.dataset.name %></a></div>
<div class="stats">
<div class="stat"><b><%= it.counts.fileCount %></b><span>files</span></div>
<div class="stat"><b><%= it.counts.figureCount %></b><span>faces</span></div>
<div class="stat"><b><%= it.counts.figureClusterCount %></b><span>people (clusters)</span></div>
<div class="stat"><b><%= it.counts.independentFigureCount %></b><span>independent faces</span></div>
<div class="stat"><b><%= it.counts.unclusteredFigureCount %></b><span>not clustered yet</span></div>
<div class="stat"><b class="<%= it.counts.failedFileCount ? 'bad' : '' %>"><%= it.counts.failedFileCount %></b><span>failed files</span></div>
<div class="stat"><b><%= it.counts.pendingFileCount %></b><span>pending files</span></div>
</div>
<div class="toolbar"><a class="<%= it.tab === 'people' ? 'on' : '' %>" href="/dashboard/datasets/<%= it.dataset.id %>">People</a> ·
<a class="<%= it.tab === 'unclustered' ? 'on' : '' %>" href="/dashboard/datasets/<%= it.dataset.id %>/unclustered">Unclustered faces</a> ·
<a class="<%= it.tab === 'failed' ? 'on' : '' %>" href="/dashboard/datasets/<%= it.dataset.id %>/failed">Failed files</a> ·
<a class="<%= it.tab === 'strangers' ? 'on' : '' %>" href="/dashboard/datasets/<%= it.dataset.id %>/strangers">Strangers</a> ·
<a class="<%= it.tab === 'tasks' ? 'on' : '' %>" href="/dashboard/datasets/<%= it.dataset.id %>/tasks">Tasks</a></div>`,

  '@people': `<% layout('@layout') %>
<%~ include('@dataset-head', it) %>
<div class="toolbar">Sort:
<% for (const s of it.sorts) { %><a class="<%= s === it.sort ? 'on' : '' %>" href="?sort=<%= s %>&amp;order=<%= it.order %>"><%= s %></a> <% } %>
· <a href="?sort=<%= it.sort %>&amp;order=<%= it.order === 'DESC' ? 'ASC' : 'DESC' %>"><%= it.order === 'DESC' ? '↓ descending' : '↑ ascending' %></a></div>
<% if (it.clusters.length === 0) { %><div class="empty">No people yet. Clustering runs a few seconds after the last file of the dataset is indexed.</div><% } %>
<div class="grid" id="people">
<% for (const c of it.clusters) { %><a class="person" data-cluster="<%= c.id %>" href="/dashboard/datasets/<%= it.dataset.id %>/clusters/<%= c.id %>">
<% if (c.coverFigureId) { %><img loading="lazy" alt="cover face" src="/dashboard/figures/<%= c.coverFigureId %>/thumbnail"><% } else { %><div class="noimg"></div><% } %>
<div class="meta"><div class="name"><%= c.name || it.fmt.clusterId(c.id).slice(0, 20) + '…' %></div>
<%= c.faceCount %> faces · <%= c.imageCount %> images<br><span class="muted"><%= c.gender || '?' %> · <%= it.fmt.ageRange(c) %></span></div></a>
<% } %>
</div>
<% if (it.next) { %><div class="pager"><a href="?sort=<%= it.sort %>&amp;order=<%= it.order %>&amp;after=<%= it.next %>">Next page →</a></div><% } %>`,

  '@photo': `<div class="photo" data-file="<%= it.file.id %>"><div class="frame">
<img loading="lazy" alt="<%= it.file.uri %>" src="/dashboard/files/<%= it.file.id %>/image">
<% for (const f of it.faces) { const w = it.file.imageWidth || 1, h = it.file.imageHeight || 1; %>
<div class="box <%= it.mine(f) ? 'mine' : '' %>" title="face <%= f.faceIndex %>" style="left:<%= (f.left / w * 100).toFixed(3) %>%;top:<%= (f.top / h * 100).toFixed(3) %>%;width:<%= (f.width / w * 100).toFixed(3) %>%;height:<%= (f.height / h * 100).toFixed(3) %>%"><% if (it.mine(f)) { %><label><%= f.faceIndex %></label><% } %></div>
<% } %></div>
<div class="caption"><%= it.file.uri %> <span class="muted">· <%= it.file.imageWidth %>×<%= it.file.imageHeight %></span></div>
<table class="faces"><thead><tr><th>#</th><th>Age</th><th>Gender</th><th>Pose (p/r/y)</th><th>Quality</th><th>Person</th></tr></thead><tbody>
<% for (const f of it.faces) { %><tr class="<%= it.mine(f) ? '' : 'muted' %>"><td><%= f.faceIndex %></td><td><%= it.fmt.num(f.age, 0) %></td><td><%= f.gender || '?' %> <span class="muted"><%= it.fmt.num(f.genderConfidence, 2) %></span></td>
<td><%= it.fmt.num(f.pitch, 0) %>/<%= it.fmt.num(f.roll, 0) %>/<%= it.fmt.num(f.yaw, 0) %></td><td><%= it.fmt.num(f.faceQuality, 2) %></td>
<td><% if (f.clusterId) { %><a href="/dashboard/datasets/<%= it.file.datasetId %>/clusters/<%= f.clusterId %>"><%= it.mine(f) ? 'this' : 'other' %></a><% } else { %><%= f.clusterState %><% } %></td></tr><% } %>
</tbody></table></div>`,

  '@cluster': `<% layout('@layout') %>
<div class="crumbs"><a href="/dashboard">Datasets</a> / <%= it.project.name %> / <a href="/dashboard/datasets/<%= it.dataset.id %>"><%= it.dataset.name %></a> / person</div>
<h1><%= it.cluster.name || 'Unnamed person' %></h1>
<div class="muted"><code><%= it.fmt.clusterId(it.cluster.id) %></code></div>
<div class="stats">
<div class="stat"><b><%= it.cluster.faceCount %></b><span>faces</span></div>
<div class="stat"><b><%= it.cluster.imageCount %></b><span>images</span></div>
<div class="stat"><b><%= it.cluster.gender || '?' %></b><span>gender</span></div>
<div class="stat"><b><%= it.fmt.ageRange(it.cluster) %></b><span>age range (avg <%= it.fmt.num(it.cluster.averageAge, 0) %>)</span></div>
<div class="stat"><b><%= it.fmt.time(it.cluster.updateTime) %></b><span>updated</span></div>
</div>
<div class="photos" id="photos">
<% for (const img of it.images) { %><%~ include('@photo', { file: img.file, faces: img.faces, mine: it.mine, fmt: it.fmt }) %><% } %>
</div>
<% if (it.next) { %><div class="pager"><a href="?after=<%= encodeURIComponent(it.next) %>">Next page →</a></div><% } %>`,

  '@unclustered': `<% layout('@layout') %>
<%~ include('@dataset-head', it) %>
<p class="muted">Faces the clusterer left on their own (independent: no similar face yet) or has not seen yet (unavailable).</p>
<% if (it.faces.length === 0) { %><div class="empty">Every face belongs to a person.</div><% } %>
<table><thead><tr><th>Face</th><th>File</th><th>State</th><th>Age</th><th>Gender</th><th>Quality</th><th>Box</th></tr></thead><tbody>
<% for (const x of it.faces) { %><tr><td><img width="64" height="64" loading="lazy" alt="face" src="/dashboard/figures/<%= x.face.id %>/thumbnail"></td>
<td><a href="/dashboard/files/<%= x.file.id %>/image"><%= x.file.uri %></a></td><td><span class="tag"><%= x.face.clusterState %></span></td>
<td><%= it.fmt.num(x.face.age, 0) %></td><td><%= x.face.gender || '?' %></td><td><%= it.fmt.num(x.face.faceQuality, 2) %></td>
<td class="muted"><%= x.face.left %>,<%= x.face.top %> <%= x.face.width %>×<%= x.face.height %></td></tr><% } %>
</tbody></table>
<% if (it.next) { %><div class="pager"><a href="?after=<%= it.next %>">Next page →</a></div><% } %>`,

  '@strangers': `<% layout('@layout') %>
<%~ include('@dataset-head', it) %>
<p class="muted">Faces that matched no person when they were indexed (datasets with an event subscription). One row per stranger per window; later sightings are counted on it.</p>
<% if (it.strangers.length === 0) { %><div class="empty">No stranger seen.</div><% } %>
<table id="strangers"><thead><tr><th>Face</th><th>File</th><th>First seen</th><th>Last seen</th><th class="num">Sightings</th><th class="num">Best similarity</th><th>Alert</th></tr></thead><tbody>
<% for (const s of it.strangers) { %><tr data-event="<%= s.id %>"><td><img width="64" height="64" loading="lazy" alt="stranger" src="<%= s.thumbnail %>"></td>
<td><%= s.uri %></td><td><%= it.fmt.time(s.createTime) %></td><td class="muted"><%= it.fmt.time(s.lastSeenTime) %></td>
<td class="num"><%= s.sightings %></td><td class="num"><%= it.fmt.num(s.similarity, 2) %></td><td><span class="tag"><%= s.deliveryState %></span></td></tr><% } %>
</tbody></table>`,

  '@failed': `<% layout('@layout') %>
<%~ include('@dataset-head', it) %>
<% if (it.files.length === 0) { %><div class="empty">No file failed indexing.</div><% } else { %>
<table><thead><tr><th>File</th><th>Error code</th><th>Message</th><th>When</th></tr></thead><tbody>
<% for (const f of it.files) { %><tr><td><%= f.uri %></td><td class="bad"><code><%= f.errorCode %></code></td><td><%= f.errorMessage %></td><td class="muted"><%= it.fmt.time(f.indexedTime || f.updateTime) %></td></tr><% } %>
</tbody></table><% } %>
<% if (it.next) { %><div class="pager"><a href="?after=<%= encodeURIComponent(it.next) %>">Next page →</a></div><% } %>`,

  '@tasks': `<% layout('@layout') %>
<%~ include('@dataset-head', it) %>
<% if (it.tasks.length === 0) { %><div class="empty">No task in the last days.</div><% } else { %>
<table><thead><tr><th>Task</th><th>Type</th><th>Status</th><th class="num">Progress</th><th>Started</th><th class="num">Duration</th><th>Code / message</th></tr></thead><tbody>
<% for (const t of it.tasks) { %><tr><td><code><%= t.id %></code></td><td><%= t.taskType %></td><td><span class="tag <%= t.status %>"><%= t.status %></span></td>
<td class="num"><%= t.progress %>%</td><td class="muted"><%= it.fmt.time(t.startTime) %></td><td class="num"><%= it.fmt.duration(t.startTime, t.endTime) %></td>
<td><%= t.code || '' %> <span class="muted"><%= t.message && t.message !== t.code ? t.message : '' %></span></td></tr><% } %>
</tbody></table><% } %>`,
};
