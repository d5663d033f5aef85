// app.js - the web page of customs serve: the stored images with their
// vulnerability counts and policy status, and one image's layers,
// packages and vulnerabilities, all read from the JSON API (docs/api.md).
// The token comes from the page's #token=... fragment or the form, and is
// kept for the tab's session only; #image=DIGEST opens that image.
"use strict";
(function () {
  const hash = new URLSearchParams(location.hash.slice(1));
  const open = hash.get("image");
  if (hash.get("token")) {
    sessionStorage.setItem("customs-token", hash.get("token"));
    history.replaceState(null, "", location.pathname);
  }
  const $ = (s) => document.querySelector(s);
  const status = (msg, err) => { $("#status").textContent = msg; $("#status").className = err ? "error" : ""; };

  async function api(path) {
    const headers = {};
    const t = sessionStorage.getItem("customs-token");
    if (t) headers.Authorization = "Bearer " + t;
    const r = await fetch(path, { headers });
    const body = await r.json();
    if (r.status === 401) { $("#login").hidden = false; }
    if (!r.ok) throw new Error(body.error ? body.error.message : r.statusText);
    return body;
  }

  function cell(tr, text, cls) {
    const td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "-" : String(text);
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }

  async function policyOf(digest, td) {
    try {
      const ev = await api("/v1/images/" + digest + "/evaluations");
      td.textContent = "";
      if (!ev.length) { td.textContent = "-"; return; }
      const span = document.createElement("span");
      span.className = "action-" + ev[0].action;
      span.textContent = ev[0].action;
      td.appendChild(span);
    } catch (e) { td.textContent = "?"; }
  }

  async function showImages() {
    $("#image-view").hidden = true;
    $("#images-view").hidden = false;
    const images = await api("/v1/images");
    const tbody = $("#images tbody");
    tbody.textContent = "";
    for (const im of images) {
      const tr = document.createElement("tr");
      tr.className = "image";
      tr.dataset.digest = im.digest;
      cell(tr, im.digest.slice(0, 19), "digest").title = im.digest;
      cell(tr, im.tags.join(", "));
      cell(tr, im.distro);
      cell(tr, im.packages, "num");
      const v = im.vulnerabilities || {};
      for (const s of ["critical", "high", "medium", "low"]) cell(tr, im.vulnerabilities ? v[s] : "-", "num " + s);
      policyOf(im.digest, cell(tr, "…"));
      cell(tr, im.analysed_at);
      tr.addEventListener("click", () => showImage(im));
      tbody.appendChild(tr);
    }
    $("#count").textContent = "(" + images.length + ")";
    status(images.length + " images");
  }

  const columns = {
    layers: ["index", "digest", "size", "created_by", "packages_added"],
    packages: ["name", "version", "type", "layer", "purl"],
    vulns: ["id", "severity", "package", "version", "fix_state", "fixed_in", "origin"],
  };
  let current = null;

  async function showTab(tab) {
    document.querySelectorAll("#tabs a").forEach((a) => a.classList.toggle("on", a.dataset.tab === tab));
    const rows = await api("/v1/images/" + current.digest + "/" + tab).catch((e) => { status(e.message, true); return []; });
    const head = $("#detail thead"), body = $("#detail tbody");
    head.textContent = body.textContent = "";
    const htr = document.createElement("tr");
    for (const c of columns[tab]) { const th = document.createElement("th"); th.textContent = c; htr.appendChild(th); }
    head.appendChild(htr);
    for (const r of rows) {
      const tr = document.createElement("tr");
      for (const c of columns[tab]) cell(tr, r[c], c === "severity" ? r[c] : c === "digest" ? "digest" : "");
      body.appendChild(tr);
    }
    status(rows.length + " " + tab);
  }

  function showImage(im) {
    current = im;
    $("#images-view").hidden = true;
    $("#image-view").hidden = false;
    $("#image-title").textContent = (im.tags[0] || im.reference || "") + " " + im.digest;
    showTab("vulns");
  }

  document.querySelectorAll("#tabs a").forEach((a) => a.addEventListener("click", (e) => { e.preventDefault(); showTab(a.dataset.tab); }));
  $("#back").addEventListener("click", (e) => { e.preventDefault(); showImages().catch((x) => status(x.message, true)); });
  $("#login").addEventListener("submit", (e) => {
    e.preventDefault();
    sessionStorage.setItem("customs-token", $("#token").value);
    $("#login").hidden = true;
    showImages().catch((x) => status(x.message, true));
  });
  showImages().then(() => {
    const tr = open && document.querySelector('tr[data-digest="' + CSS.escape(open) + '"]');
    if (tr) tr.click();
  }).catch((x) => status(x.message, true));
})();
