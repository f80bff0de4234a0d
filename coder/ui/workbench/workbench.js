// The Coding workbench: reader, highlights, coding stripes, legend, pending suggestions and the code
// picker in one component, so a decision redraws in the browser at once and reaches Python as one
// trigger value (see coder/ui/workbench/__init__.py for the data contract).
//
// Rules kept from the first reader: source text goes into the page only through textContent, never as
// markup; offsets leave the browser as code points (JS strings count UTF-16 units, 𠮷 and emoji are two).
//
// Optimism: a decision changes the local view first and joins the outbox; every send carries the
// whole outbox, each action with a nonce Python answers once (data.done), so a trigger lost to a
// coalesced rerun is simply sent again. An answer that failed shows its message, and the view, redrawn
// from the database's truth, puts the suggestion back.

const PAGE = 30;          // suggestions per page of the list: long lists stay fast, the total is always shown
const RESEND_MS = 4000;   // an unanswered outbox is sent again after this long
const QUOTE_CHARS = 200;  // a list item shows this much of its quote
const EVIDENCE_SHOWN = 200;  // codings listed in the evidence panel (all are drawn in the text)

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let bench = parentElement.__qcWorkbench;
  if (!bench || !bench.root.isConnected || bench.source !== data.source) {
    if (bench) bench.destroy();
    bench = parentElement.__qcWorkbench = new Workbench(parentElement);
  }
  bench.send = (value) => setTriggerValue("action", value);
  bench.update(data);
  // Streamlit calls this on every data change too: only a workbench whose element has left the page goes,
  // with its picker (in document.body), its listeners and its timer.
  return () => setTimeout(() => {
    if (!parentElement.isConnected && parentElement.__qcWorkbench === bench) {
      bench.destroy();
      parentElement.__qcWorkbench = null;
    }
  }, 0);
}

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("data-") || key === "title" || key === "type" || key === "placeholder" || key === "hidden")
      node.setAttribute(key, value === true ? "" : value);
    else node[key] = value;
  }
  if (text !== undefined) node.textContent = text;  // text, never markup
  return node;
}

function withAlpha(hex, alpha) {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex || "");
  if (!m) return hex;
  const n = parseInt(m[1], 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

const isEvidence = (c) => c.status !== "suggested";

class Workbench {
  constructor(parent) {
    this.parent = parent;
    this.outbox = [];
    this.answered = new Set();
    this.current = null;      // id of the suggestion under review
    this.filter = null;       // a code id: the list shows only its suggestions
    this.order = "text";
    this.page = 0;
    this.localRecent = [];
    this.selection = null;    // {start, end} of the last selection (code points)
    this.scope = "sel";
    this.rowSigs = [];
    this.counter = 0;
    this.build();
    this.onKey = (e) => this.key(e);
    this.onUp = (e) => this.mouseUp(e);
    document.addEventListener("keydown", this.onKey);
    document.addEventListener("mouseup", this.onUp);
    this.timer = setInterval(() => this.resend(), RESEND_MS);
  }

  destroy() {
    document.removeEventListener("keydown", this.onKey);
    document.removeEventListener("mouseup", this.onUp);
    clearInterval(this.timer);
    this.root.remove();
    this.picker.remove();
  }

  build() {
    this.root = el("div", { class: "qc-wb", "data-testid": "qc-workbench", "data-ready": "0" });
    const main = el("div");
    this.bar = el("div", { class: "qc-bar" });
    this.legend = el("div", { class: "qc-legend", "data-testid": "qc-legend" });
    this.keyLine = el("div", { class: "qc-key" });
    this.reader = el("div", { class: "qc-reader", "data-testid": "qc-reader" });
    main.append(this.bar, this.legend, this.keyLine, this.reader);
    this.side = el("div", { class: "qc-side" });
    this.status = el("div", { class: "qc-status", "data-testid": "qc-status", role: "status" });
    this.head = el("div", { class: "qc-bar" });
    this.list = el("div", { class: "qc-list", "data-testid": "qc-suggestions" });
    this.pager = el("div", { class: "qc-bar" });
    this.hints = el("div", { class: "qc-hint" });
    this.memoPanel = el("div", { class: "qc-panel", "data-testid": "qc-memos", hidden: true });
    this.evidencePanel = el("div", { class: "qc-panel", "data-testid": "qc-evidence", hidden: true });
    this.side.append(this.status, this.memoPanel, this.evidencePanel, this.head, this.list, this.pager, this.hints);
    this.root.append(main, this.side);
    this.parent.appendChild(this.root);
    // The picker floats over the page near the selection; it lives in the body so no column clips it.
    this.picker = el("div", { class: "qc-picker", "data-testid": "qc-picker", hidden: true });
    document.body.appendChild(this.picker);
    const style = getComputedStyle(document.body);
    this.picker.style.setProperty("--qc-bg", style.backgroundColor || "#fff");
    this.picker.style.setProperty("--qc-fg", style.color || "#222");
    this.reader.addEventListener("click", (e) => this.readerClick(e));
  }

  // ---- data from Python ---------------------------------------------------------------------------

  update(data) {
    if (!this.data && typeof data.text !== "string") {
      // Mounted by a rerun that assumed the text was here (it is sent once per page run): ask for it.
      this.send({ batch: this.outbox, need_text: true });
      return;
    }
    const first = !this.data;
    this.data = data;
    this.L = data.labels;
    this.source = data.source;
    this.codeById = new Map(data.codes.map((c) => [c.id, c]));
    const looks = JSON.stringify([data.labels, data.codes]);
    if (looks !== this.looks) { this.looks = looks; this.rowSigs = []; }  // new words or colours: redraw every row
    if (first) this.prepareText(data.text);
    if (data.units) this.units = data.units;  // the text and its units come with the page, not with each answer
    for (const [nonce, outcome] of Object.entries(data.done || {})) {
      if (this.answered.has(nonce)) continue;
      this.answered.add(nonce);
      const pending = this.outbox.find((a) => a.nonce === nonce);
      this.outbox = this.outbox.filter((a) => a.nonce !== nonce);
      if (pending || !first) this.say(outcome.message, !outcome.ok);
    }
    this.base = data.codings.map(([id, start, end, code, status, version, score, terms, coder]) => ({
      id, start, end, code, status, version, score, terms, coder,
    }));
    this.redraw();
    this.root.dataset.ready = "1";
    const focus = this.focus();
    if (focus && `${focus.start}:${focus.end}` !== this.focused) {
      this.focused = `${focus.start}:${focus.end}`;  // once: later redraws leave the reader where the person put it
      this.scrollToFocus(3);
    }
  }

  // ---- the passage a link asked for (data.focus): outlined, and brought into view once ------------------

  focus() {
    const [start, end] = Array.isArray(this.data.focus) ? this.data.focus : [];
    return Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start < end && end <= this.length
      ? { start, end } : null;
  }

  scrollToFocus(tries) {
    // Rows out of sight have an estimated height (content-visibility): once the rows near the passage are
    // laid out it may have moved, so look again until it stays in view.
    requestAnimationFrame(() => setTimeout(() => {
      const node = this.reader.querySelector(".qc-focus");
      if (!node || !node.isConnected) return;
      const box = this.reader.getBoundingClientRect(), at = node.getBoundingClientRect();
      const seen = at.top >= box.top && at.bottom <= box.bottom && at.top >= 0 && at.bottom <= window.innerHeight;
      if (!seen) node.scrollIntoView({ block: "center" });
      if (tries > 1) this.scrollToFocus(tries - 1);
    }, 120));
  }

  prepareText(text) {
    // Code point offset → UTF-16 index, once per source: every slice of the text goes through it.
    const u16 = [0];
    let at = 0;
    for (const ch of text) { at += ch.length; u16.push(at); }
    this.u16 = u16;
    this.length = u16.length - 1;
    this.text = text;
    this.lineStarts = [0];
    for (let i = 0; i < this.length; i++) if (text[u16[i]] === "\n") this.lineStarts.push(i + 1);
    if (this.lineStarts[this.lineStarts.length - 1] === this.length && this.length > 0) this.lineStarts.pop();
    this.rowEls = [];
    this.rowSigs = [];
    this.reader.replaceChildren();
  }

  slice(start, end) { return this.text.slice(this.u16[start], this.u16[end]); }

  // ---- the view: database truth with the unanswered actions applied on top ----------------------------

  view() {
    let codings = this.base.map((c) => ({ ...c }));
    for (const action of this.outbox) codings = applyAction(codings, action);
    return codings;
  }

  redraw() {
    const codings = this.view();
    this.pending = codings.filter((c) => c.status === "suggested");
    this.evidence = codings.filter(isEvidence);
    this.drawText(codings);
    this.drawBar();
    this.drawLegend(codings);
    this.drawList();
    this.drawEvidence();
    this.drawMemos();
    this.markCurrent(false);
  }

  name(code) {
    const c = this.codeById.get(code);
    if (!c && code.startsWith("new:")) return code.slice(4);  // a new code the answer has not brought yet
    return c ? c.name : code;
  }

  color(code) {
    const c = this.codeById.get(code);
    return c ? c.color : "#999999";
  }

  // ---- the text, row by row; only rows whose codings changed are rebuilt -----------------------------

  drawText(codings) {
    const rows = this.layout(codings);
    rows.forEach((row, index) => {
      if (this.rowSigs[index] === row.sig && this.rowEls[index]) return;
      const element = this.drawRow(row);
      if (this.rowEls[index]) this.rowEls[index].replaceWith(element);
      else this.reader.appendChild(element);
      this.rowEls[index] = element;
      this.rowSigs[index] = row.sig;
    });
  }

  layout(codings) {
    const valid = codings.filter((c) => c.start >= 0 && c.start < c.end && c.end <= this.length);
    const cuts = new Set([...this.lineStarts, this.length]);
    for (const c of valid) { cuts.add(c.start); cuts.add(c.end); }
    const focus = this.focus();
    if (focus) { cuts.add(focus.start); cuts.add(focus.end); }
    const sorted = Array.from(cuts).sort((a, b) => a - b);
    const starts = [...valid].sort((a, b) => a.start - b.start);
    const ends = [...valid].sort((a, b) => a.end - b.end);
    const active = new Set();
    const rows = this.lineStarts.map((start, i) => ({
      start, end: this.lineStarts[i + 1] ?? this.length, pieces: [], sig: "",
    }));
    let i = 0, j = 0, row = 0;
    for (let k = 0; k + 1 < sorted.length; k++) {
      const a = sorted[k], b = sorted[k + 1];
      while (i < starts.length && starts[i].start <= a) active.add(starts[i++]);
      while (j < ends.length && ends[j].end <= a) active.delete(ends[j++]);
      while (row + 1 < rows.length && rows[row + 1].start <= a) row++;
      const act = Array.from(active).sort((x, y) => x.start - y.start || x.id - y.id);
      rows[row].pieces.push({ a, b, act, focus: !!focus && focus.start <= a && b <= focus.end });
    }
    for (const r of rows) {
      r.sig = r.pieces.map((p) => `${p.a}${p.focus ? "F" : ""}:${p.act.map((c) => `${c.id}/${c.code}/${c.status}`).join(",")}`).join(";");
    }
    return rows;
  }

  drawRow(row) {
    const element = el("div", { class: "qc-row" });
    const line = el("div", { class: "qc-line" });
    const stripes = el("div", { class: "qc-stripes" });
    const covering = new Map();  // code → does evidence cover the line (else only suggestions)
    for (const piece of row.pieces) {
      const span = el("span", { "data-start": piece.a }, this.slice(piece.a, piece.b));
      if (piece.act.length) this.paint(span, piece.act);
      if (piece.focus) span.classList.add("qc-focus");
      for (const c of piece.act) covering.set(c.code, (covering.get(c.code) || false) || isEvidence(c));
      line.appendChild(span);
    }
    for (const [code, evidence] of covering) {
      const stripe = el("div", { class: evidence ? "qc-stripe" : "qc-stripe qc-hollow", "data-code": code });
      stripe.style.background = this.color(code);
      stripe.style.borderColor = this.color(code);
      stripe.title = `${this.name(code)} · ${evidence ? this.L.evidence : this.L.pending}`;
      stripes.appendChild(stripe);
    }
    element.append(line, stripes);
    return element;
  }

  paint(span, act) {
    const evidence = act.filter(isEvidence);
    const suggested = act.filter((c) => !isEvidence(c));
    span.classList.add("qc-mark");
    span.dataset.codes = [...new Set(act.map((c) => c.code))].join(" ");
    if (evidence.length) {
      span.classList.add("qc-ev");
      span.style.background = withAlpha(this.color(evidence[0].code), 0.32);
      // Each further overlapping piece of evidence adds an underline of its own colour: all stay visible.
      const more = [...new Set(evidence.slice(1).map((c) => c.code))];
      if (more.length) span.style.boxShadow = more.map((c, i) => `inset 0 -${3 * (i + 1)}px 0 ${this.color(c)}`).join(",");
      if (evidence.some((c) => typeof c.id === "string")) span.classList.add("qc-saving");
    }
    if (suggested.length) {
      span.classList.add("qc-sugg");
      span.style.setProperty("--qc-sugg", this.color(suggested[0].code));
      span.dataset.sugg = suggested.map((c) => c.id).join(" ");
    }
    span.title = act.map((c) => `${this.name(c.code)}（${this.L["status_" + c.status] || c.status}）`).join("\n");
  }

  // ---- toolbar, legend ----------------------------------------------------------------------------

  drawBar() {
    const L = this.L, undo = this.data.undo;
    const undoButton = el("button", {
      "data-testid": "qc-undo", title: undo ? `${undo.summary} (u)` : L.nothing_to_undo,
      disabled: !(undo || this.outbox.some(changesCodings)) || !this.data.may_undo || this.data.readonly,
    }, `↶ ${L.undo}`);
    if (undo && !this.data.may_undo) undoButton.title = L.undo_owner_only;
    undoButton.onclick = () => this.undo();
    const memos = el("button", { "data-testid": "qc-memo-toggle" }, `✎ ${L.source_memos} (${this.data.memos.length})`);
    memos.onclick = () => { this.memoPanel.hidden = !this.memoPanel.hidden; };
    const evidence = el("button", { "data-testid": "qc-evidence-toggle" }, `▤ ${L.source_codings} (${this.evidence.length})`);
    evidence.onclick = () => { this.evidencePanel.hidden = !this.evidencePanel.hidden; this.drawEvidence(); };
    this.bar.replaceChildren(undoButton, memos, evidence);
    this.keyLine.textContent = L.legend_key;
    this.hints.textContent = this.data.readonly ? L.read_only : L.keys;
  }

  drawLegend(codings) {
    const counts = new Map();
    for (const c of codings) {
      const entry = counts.get(c.code) || { evidence: 0, pending: 0 };
      if (isEvidence(c)) entry.evidence++; else entry.pending++;
      counts.set(c.code, entry);
    }
    const order = this.data.codes.map((c) => c.id).filter((id) => counts.has(id));
    for (const id of counts.keys()) if (!order.includes(id)) order.push(id);
    this.legend.replaceChildren(...order.map((code) => {
      const { evidence, pending } = counts.get(code);
      const chip = el("span", {
        class: this.filter === code ? "qc-chip qc-active" : "qc-chip", "data-code": code,
        title: `${code} — ${this.L.filter_by_code}`,
      });
      const swatch = el("span", { class: evidence ? "qc-swatch" : "qc-swatch qc-hollow" });
      swatch.style.background = this.color(code);
      swatch.style.borderColor = this.color(code);
      chip.append(swatch, el("span", {}, `${this.name(code)} ✓${evidence} ?${pending}`));
      chip.onclick = () => { this.filter = this.filter === code ? null : code; this.page = 0; this.redraw(); };
      return chip;
    }));
  }

  // ---- the list of pending suggestions ------------------------------------------------------------

  ordered() {
    let list = this.pending.filter((c) => !this.filter || c.code === this.filter);
    if (this.order === "uncertain") {
      const t = this.data.threshold;
      list = [...list].sort((a, b) => Math.abs(a.score - t) - Math.abs(b.score - t) || a.start - b.start);
    } else {
      list = [...list].sort((a, b) => a.start - b.start || a.id - b.id);
    }
    return list;
  }

  drawList() {
    const L = this.L, list = this.ordered();
    this.shown = list;
    if (this.current !== null && !list.some((c) => c.id === this.current)) this.current = null;
    const pages = Math.max(1, Math.ceil(list.length / PAGE));
    this.page = Math.min(this.page, pages - 1);
    const count = el("strong", { "data-testid": "qc-pending-count", "data-count": list.length },
      this.filter ? `${L.suggestions} ${list.length} / ${this.pending.length}` : `${L.suggestions} ${list.length}`);
    const order = el("select", { "data-testid": "qc-order", title: L.uncertain_first_help });
    order.append(el("option", { value: "text" }, L.in_text_order), el("option", { value: "uncertain" }, L.uncertain_first));
    order.value = this.order;
    order.onchange = () => { this.order = order.value; this.page = 0; this.redraw(); };
    const head = [count, order];
    if (this.filter && list.length && !this.data.readonly) {
      const all = el("button", { "data-testid": "qc-accept-all" }, `${L.accept_all} (${list.length})`);
      all.onclick = () => this.act({ kind: "accept_all", code: this.filter });
      const none = el("button", { "data-testid": "qc-reject-all" }, `${L.reject_all} (${list.length})`);
      none.onclick = () => this.act({ kind: "reject_all", code: this.filter });
      head.push(all, none);
    }
    this.head.replaceChildren(...head);
    this.choices = document.createDocumentFragment();
    this.choices.append(el("option", { value: "" }, `${L.recode}…`));
    const recent = this.recent();
    for (const code of this.codeChoices()) {
      const number = recent.indexOf(code.id);
      this.choices.append(el("option", { value: code.id }, number >= 0 && number < 9 ? `${number + 1} ${code.name}` : code.name));
    }
    const items = list.slice(this.page * PAGE, (this.page + 1) * PAGE).map((c) => this.item(c));
    this.list.replaceChildren(...(items.length ? items : [el("div", { class: "qc-hint" }, L.no_suggestions)]));
    const back = el("button", { disabled: this.page === 0, "data-testid": "qc-prev-page" }, "‹");
    back.onclick = () => { this.page--; this.drawList(); };
    const next = el("button", { disabled: this.page >= pages - 1, "data-testid": "qc-next-page" }, "›");
    next.onclick = () => { this.page++; this.drawList(); };
    const from = list.length ? this.page * PAGE + 1 : 0, to = Math.min(list.length, (this.page + 1) * PAGE);
    this.pager.replaceChildren(back, el("span", {}, `${from}–${to} / ${list.length}`), next);
  }

  item(c) {
    const L = this.L;
    const box = el("div", {
      class: c.id === this.current ? "qc-item qc-current" : "qc-item", "data-testid": "qc-suggestion", "data-id": c.id,
    });
    const swatch = el("span", { class: "qc-swatch qc-hollow" });
    swatch.style.borderColor = this.color(c.code);
    const title = el("div", {}, "");
    title.append(swatch, el("strong", {}, ` ${this.name(c.code)}`));
    const quote = this.slice(c.start, c.end);
    const shown = Array.from(quote).length > QUOTE_CHARS ? Array.from(quote).slice(0, QUOTE_CHARS).join("") + "…" : quote;
    box.append(title, el("div", { class: "qc-quote" }, shown),
      el("div", { class: "qc-meta" }, `${L.matched}：${c.terms || "—"} · ${L.score} ${Number(c.score || 0).toFixed(2)}`));
    if (!this.data.readonly) {
      const acts = el("div", { class: "qc-acts" });
      const accept = el("button", { "data-action": "accept", title: "a" }, `✓ ${L.accept}`);
      accept.onclick = (e) => { e.stopPropagation(); this.decide(c, "accept"); };
      const reject = el("button", { "data-action": "reject", title: "r" }, `✗ ${L.reject}`);
      reject.onclick = (e) => { e.stopPropagation(); this.decide(c, "reject"); };
      const recode = el("select", { "data-action": "recode", title: L.recode });
      recode.append(this.choices.cloneNode(true));  // cloning 50 lists of codes is far cheaper than building them
      recode.querySelector(`option[value="${CSS.escape(c.code)}"]`)?.remove();
      recode.onclick = (e) => e.stopPropagation();
      recode.onchange = () => { if (recode.value) this.decide(c, "recode", recode.value); };
      acts.append(accept, reject, recode);
      box.append(acts);
    }
    box.onclick = () => { this.current = c.id; this.markCurrent(true); };
    return box;
  }

  codeChoices() {
    const recent = this.recent().map((id) => this.codeById.get(id)).filter(Boolean);
    return [...recent, ...this.data.codes.filter((c) => !recent.includes(c))];
  }

  recent() {
    const ids = [...this.localRecent, ...this.data.recent].filter((id) => this.codeById.has(id));
    const unique = [...new Set(ids)];
    return (unique.length ? unique : this.data.codes.map((c) => c.id)).slice(0, 6);
  }

  markCurrent(scroll) {
    for (const node of this.reader.querySelectorAll(".qc-current")) node.classList.remove("qc-current");
    for (const node of this.list.querySelectorAll(".qc-item.qc-current")) node.classList.remove("qc-current");
    if (this.current === null) return;
    const at = this.shown.findIndex((c) => c.id === this.current);
    if (at >= 0 && Math.floor(at / PAGE) !== this.page) { this.page = Math.floor(at / PAGE); this.drawList(); }
    const item = this.list.querySelector(`[data-id="${this.current}"]`);
    if (item) item.classList.add("qc-current");
    const marks = [...this.reader.querySelectorAll(`span[data-sugg~="${this.current}"]`)];
    for (const mark of marks) mark.classList.add("qc-current");
    if (scroll) {
      // After the frame that shows the decision: scrolling brings rows into view that must be laid out first.
      requestAnimationFrame(() => setTimeout(() => {
        if (marks[0] && marks[0].isConnected) scrollWithin(this.reader, marks[0]);
        if (item && item.isConnected) scrollWithin(this.list, item);
      }, 0));
    }
  }

  step(by) {
    const list = this.shown;
    if (!list.length) return;
    const at = list.findIndex((c) => c.id === this.current);
    const next = at < 0 ? (by > 0 ? 0 : list.length - 1) : Math.max(0, Math.min(list.length - 1, at + by));
    this.current = list[next].id;
    this.markCurrent(true);
  }

  // ---- actions ------------------------------------------------------------------------------------

  decide(c, decision, code) {
    const at = this.shown.findIndex((s) => s.id === c.id);
    const action = { kind: decision, id: c.id, version: c.version };
    if (code) { action.code = code; this.remember(code); }
    else if (decision === "accept") this.remember(c.code);
    this.act(action);
    // Review goes on where it was: the suggestion that took this one's place becomes the current one.
    if (this.current === c.id || this.current === null) {
      const list = this.shown;
      this.current = list.length ? list[Math.min(Math.max(at, 0), list.length - 1)].id : null;
      this.markCurrent(true);
    }
  }

  remember(code) { this.localRecent = [code, ...this.localRecent.filter((c) => c !== code)].slice(0, 6); }

  act(action) {
    if (this.data.readonly) return;
    action.nonce = `${Date.now().toString(36)}-${(this.counter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    this.outbox.push(action);
    this.lastSent = Date.now();
    this.say(this.L.saving, false);
    this.redraw();
    this.send({ batch: this.outbox });
  }

  resend() {
    if (!this.parent.isConnected) { this.destroy(); return; }  // in case no cleanup ever came
    if (this.outbox.length && Date.now() - (this.lastSent || 0) >= RESEND_MS && this.root.isConnected) {
      this.lastSent = Date.now();
      this.send({ batch: this.outbox });
    }
  }

  undo() {
    // The server finds the last change when it gets here, after any decision still on its way.
    if (this.data.may_undo && (this.data.undo || this.outbox.some(changesCodings))) this.act({ kind: "undo" });
  }

  say(text, error) {
    this.status.textContent = text || "";
    this.status.classList.toggle("qc-error", !!error);
  }

  // ---- evidence and memos panels --------------------------------------------------------------------

  drawEvidence() {
    if (this.evidencePanel.hidden && this.evidencePanel.childElementCount) return;  // drawn when opened
    const L = this.L;
    const shown = Math.min(this.evidence.length, EVIDENCE_SHOWN);
    const items = [...this.evidence].sort((a, b) => a.start - b.start).slice(0, EVIDENCE_SHOWN).map((c) => {
      const row = el("div", { class: "qc-item", "data-testid": "qc-evidence-item", "data-id": c.id });
      row.append(el("div", { class: "qc-meta" }, `#${c.id} ${this.name(c.code)} · ${c.coder || ""}`),
        el("div", { class: "qc-quote" }, this.slice(c.start, c.end)));
      if (!this.data.readonly && typeof c.id === "number") {
        const acts = el("div", { class: "qc-acts" });
        const remove = el("button", { "data-action": "delete" }, L.delete);
        remove.onclick = () => this.act({ kind: "delete", id: c.id, version: c.version });
        const move = el("button", { "data-action": "move", disabled: !this.selection, title: L.move_here }, L.move_here);
        move.onclick = () => this.selection && this.act({
          kind: "move", id: c.id, version: c.version, start: this.selection.start, end: this.selection.end });
        acts.append(remove, move);
        row.append(acts);
      }
      return row;
    });
    const title = `${L.source_codings} ${shown} / ${this.evidence.length}`;  // never hide that more exist
    this.evidencePanel.replaceChildren(el("strong", {}, title), ...items);
  }

  drawMemos() {
    const L = this.L;
    const list = this.data.memos.map((m) => el("div", { class: "qc-memo", "data-testid": "qc-memo" }, `${m.text}\n— ${m.coder}`));
    const box = el("textarea", { rows: 3, placeholder: L.source_memo_hint, "data-testid": "qc-memo-text" });
    const save = el("button", { "data-testid": "qc-memo-save", disabled: this.data.readonly }, L.save_memo);
    save.onclick = () => {
      const text = this.memoDraft.value;
      this.memoDraft.value = "";
      if (text.trim()) this.act({ kind: "source_memo", text });
    };
    if (this.memoDraft && document.activeElement === this.memoDraft && this.memoDraft.value) return;  // typing
    this.memoDraft = box;
    this.memoPanel.replaceChildren(el("strong", {}, L.source_memos), ...list, box, save);
  }

  // ---- selection, picker ----------------------------------------------------------------------------

  offsetOf(node, offset) {
    const range = document.createRange();
    range.setStart(this.reader, 0);
    range.setEnd(node, offset);
    return Array.from(range.toString()).length;
  }

  mouseUp(event) {
    if (!this.data || !this.root.isConnected || this.data.readonly) return;
    if (this.picker.contains(event.target)) return;
    const selection = document.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;  // clicks: readerClick
    const range = selection.getRangeAt(0);
    if (!this.reader.contains(range.startContainer) || !this.reader.contains(range.endContainer)) return;
    const start = this.offsetOf(range.startContainer, range.startOffset);
    const end = this.offsetOf(range.endContainer, range.endOffset);
    if (end > start) this.openPicker({ start, end }, "sel", range.getBoundingClientRect());
  }

  readerClick(event) {
    if (!this.data || this.data.readonly) return;
    const selection = document.getSelection();
    if (selection && !selection.isCollapsed) return;  // a selection: handled on mouseup
    const mark = event.target.closest ? event.target.closest("span.qc-sugg") : null;
    if (mark) {  // a click on a suggestion reviews it
      this.current = Number(mark.dataset.sugg.split(" ")[0]);
      this.markCurrent(true);
      return;
    }
    const piece = event.target.closest ? event.target.closest("span[data-start]") : null;
    if (!piece || !selection || selection.rangeCount === 0) return;
    const range = selection.getRangeAt(0);
    const at = this.offsetOf(range.startContainer, range.startOffset);
    this.openPicker({ start: at, end: at }, "sentence", piece.getBoundingClientRect());
  }

  unit(kind, start, end) {
    const spans = (this.units || {})[kind === "sentence" ? "sentences" : "turns"] || [];
    const find = (at) => spans.find(([s, e]) => s <= at && at < e) || spans.find(([s]) => s >= at);
    const first = find(start), last = find(Math.max(start, end - 1));
    if (!first) return null;
    return { start: first[0], end: Math.max(first[1], last ? last[1] : first[1]) };
  }

  target() {
    if (!this.selection) return null;
    if (this.scope === "sel") return this.selection.end > this.selection.start ? this.selection : null;
    return this.unit(this.scope, this.selection.start, this.selection.end);
  }

  openPicker(selection, scope, rect) {
    this.selection = selection;
    this.scope = selection.end > selection.start ? scope : (scope === "sel" ? "sentence" : scope);
    this.rect = rect;
    this.drawPicker();
    this.drawEvidence();
  }

  closePicker() {
    this.picker.hidden = true;
    this.selection = null;
    const selection = document.getSelection();
    if (selection) selection.removeAllRanges();
    this.drawEvidence();
  }

  drawPicker(query = "") {
    const L = this.L, target = this.target();
    const typed = this.picker.hidden ? {} : {
      memo: this.memoInput && this.memoInput.value, name: this.nameInput && this.nameInput.value,
      dim: this.dimInput && this.dimInput.value };
    const preview = el("div", { class: "qc-preview", "data-testid": "qc-picker-preview" },
      target ? `[${target.start}, ${target.end}) ${Array.from(this.slice(target.start, target.end)).slice(0, 120).join("")}` : L.no_unit_here);
    const scope = el("div", { class: "qc-scope qc-bar" });
    for (const [kind, label] of [["sel", L.scope_selection], ["sentence", L.scope_sentence], ["turn", L.scope_turn]]) {
      const button = el("button", {
        class: this.scope === kind ? "qc-on" : "", "data-scope": kind,
        disabled: kind === "sel" && this.selection.end <= this.selection.start,
      }, label);
      button.onclick = () => { this.scope = kind; this.drawPicker(search.value); };
      scope.appendChild(button);
    }
    const codes = el("div", { class: "qc-codes", "data-testid": "qc-recent" });
    this.recent().forEach((id, i) => codes.appendChild(this.codeButton(id, i < 9 ? `${i + 1} ` : "")));
    const search = el("input", { "data-testid": "qc-code-search", placeholder: L.search_codes, type: "search" });
    search.value = query;
    const found = el("div", { class: "qc-codes", "data-testid": "qc-found" });
    const fill = () => {
      const q = search.value.trim().toLowerCase();
      const hits = q ? this.data.codes.filter((c) => `${c.name} ${c.id} ${c.dim_name}`.toLowerCase().includes(q)) : [];
      found.replaceChildren(...hits.slice(0, 10).map((c) => this.codeButton(c.id, "")));
      return hits;
    };
    search.oninput = fill;
    search.onkeydown = (e) => {
      if (e.key === "Enter") { const hits = fill(); if (hits.length) this.codeTarget(hits[0].id); }
      if (e.key === "Escape") this.closePicker();
      e.stopPropagation();
    };
    const memo = el("input", { "data-testid": "qc-picker-memo", placeholder: L.memo_optional });
    if (typed.memo) memo.value = typed.memo;
    memo.onkeydown = (e) => e.stopPropagation();
    this.memoInput = memo;
    const invivo = el("div", { class: "qc-bar", "data-testid": "qc-invivo" });
    const dims = el("select", { "data-testid": "qc-invivo-dimension" });
    for (const d of this.data.dims) dims.appendChild(el("option", { value: d.id }, d.name));
    const name = el("input", { "data-testid": "qc-invivo-name", placeholder: L.new_code_name });
    name.value = typed.name ?? (target ? Array.from(this.slice(target.start, target.end).trim()).slice(0, 40).join("") : "");
    if (typed.dim) dims.value = typed.dim;
    this.nameInput = name;
    this.dimInput = dims;
    name.onkeydown = (e) => e.stopPropagation();
    const create = el("button", { "data-testid": "qc-invivo-create", disabled: !this.data.may_edit_codebook,
      title: this.data.may_edit_codebook ? L.invivo_help : L.codebook_owner_only }, L.invivo);
    create.onclick = () => {
      const span = this.target();
      if (!span || !name.value.trim()) return;
      this.act({ kind: "new_code", dimension: dims.value, name: name.value.trim(), start: span.start, end: span.end,
        memo: memo.value || null });
      this.closePicker();
    };
    invivo.append(dims, name, create);
    const close = el("button", { title: "Esc", "data-testid": "qc-picker-close" }, "×");
    close.onclick = () => this.closePicker();
    const top = el("div", { class: "qc-bar" });
    top.append(el("strong", {}, L.code_it), close);
    this.picker.replaceChildren(top, preview, scope, codes, search, found, memo, invivo);
    fill();
    this.picker.hidden = false;
    this.place();
  }

  place() {
    const rect = this.rect, box = this.picker.getBoundingClientRect();
    let top = rect.bottom + 8;
    if (top + box.height > window.innerHeight) top = rect.top - box.height - 8;
    // Never off screen, even for a selection scrolled partly out of sight.
    top = Math.min(Math.max(8, top), Math.max(8, window.innerHeight - box.height - 8));
    const left = Math.min(Math.max(8, rect.left), window.innerWidth - box.width - 8);
    this.picker.style.top = `${top}px`;
    this.picker.style.left = `${left}px`;
  }

  codeButton(id, prefix) {
    const button = el("button", { class: "qc-code", "data-code": id, title: id }, `${prefix}${this.name(id)}`);
    button.style.borderLeftColor = this.color(id);
    button.onclick = () => this.codeTarget(id);
    return button;
  }

  codeTarget(code) {
    const span = this.target();
    if (!span) return;
    this.remember(code);
    this.act({ kind: "code", code, start: span.start, end: span.end, memo: (this.memoInput && this.memoInput.value) || null });
    this.closePicker();  // after coding the selection clears: one more click never codes it twice
  }

  // ---- keyboard ---------------------------------------------------------------------------------------

  key(event) {
    if (!this.data || !this.root.isConnected || event.ctrlKey || event.metaKey || event.altKey) return;
    const tag = (event.target && event.target.tagName) || "";
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(tag) || (event.target && event.target.isContentEditable)) return;
    const k = event.key;
    if (!this.picker.hidden) {
      if (k === "Escape") { this.closePicker(); event.preventDefault(); }
      else if (/^[1-9]$/.test(k)) { const id = this.recent()[Number(k) - 1]; if (id) this.codeTarget(id); event.preventDefault(); }
      return;
    }
    const current = this.shown && this.shown.find((c) => c.id === this.current);
    if (k === "j") this.step(1);
    else if (k === "k") this.step(-1);
    else if (k === "a" && current) this.decide(current, "accept");
    else if (k === "r" && current) this.decide(current, "reject");
    else if (/^[1-9]$/.test(k) && current) {
      const id = this.recent()[Number(k) - 1];  // the numbers shown in the lists and the picker
      if (id && id !== current.code) this.decide(current, "recode", id);
    } else if (k === "u") this.undo();
    else return;
    event.preventDefault();
  }
}

const changesCodings = (action) => !["undo", "source_memo"].includes(action.kind);

function scrollWithin(container, node) {
  // Only the container scrolls: the page under the reader stays where the person put it.
  const box = container.getBoundingClientRect(), at = node.getBoundingClientRect();
  if (at.top < box.top || at.bottom > box.bottom) {
    container.scrollTop += at.top - box.top - (box.height - at.height) / 2;
  }
}

function applyAction(codings, action) {
  switch (action.kind) {
    case "accept":
      return codings.map((c) => (c.id === action.id ? { ...c, status: "accepted" } : c));
    case "reject":
    case "delete":
      return codings.filter((c) => c.id !== action.id);
    case "recode":
      return codings.map((c) => (c.id === action.id ? { ...c, code: action.code, status: "accepted" } : c));
    case "move":
      return codings.map((c) => (c.id === action.id ? { ...c, start: action.start, end: action.end } : c));
    case "accept_all":
      return codings.map((c) => (c.status === "suggested" && c.code === action.code ? { ...c, status: "accepted" } : c));
    case "reject_all":
      return codings.filter((c) => !(c.status === "suggested" && c.code === action.code));
    case "code":
    case "new_code":
      return [...codings, {
        id: `new-${action.nonce}`, start: action.start, end: action.end, status: "manual",
        code: action.kind === "code" ? action.code : `new:${action.name}`, version: 0, score: null, terms: "", coder: "",
      }];
    default:
      return codings;  // undo, memos: nothing to foresee; the answer redraws
  }
}
