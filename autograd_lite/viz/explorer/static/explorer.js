// autograd_lite's backprop explorer: a computation graph laid out by Graphviz (WebAssembly) in the page,
// click-to-explain, backward step by step, and (with a kernel) live edits of leaves.
// One ES module for both hosts: anywidget calls `render`, an exported page calls `mount`. The vendored
// libraries (Viz.js, KaTeX) are put on globalThis.__autogradLiteVendor by the code placed before this module.

const VENDOR = () => globalThis.__autogradLiteVendor || {};
let vizPromise = null;

function viz() {
  const { Viz } = VENDOR();
  if (!Viz) return Promise.reject(new Error("the Graphviz WebAssembly renderer (Viz.js) is not loaded"));
  if (!vizPromise) vizPromise = Viz.instance();
  return vizPromise;
}

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Math: KaTeX's MathML output (no fonts, no CSS); the plain text when KaTeX is absent or the formula fails.
function math(latex, text, display = false) {
  const { katex } = VENDOR();
  const box = h("span", { class: display ? "al-math al-display" : "al-math" });
  if (katex && latex) {
    try {
      box.innerHTML = katex.renderToString(latex, { output: "mathml", displayMode: display, throwOnError: true,
                                                     strict: "ignore" });
      return box;
    } catch (error) {
      // fall through to the text form: it says the same thing
    }
  }
  box.textContent = text || latex || "";
  box.classList.add("al-math-text");
  return box;
}

// ----- the SVG: laid out by Graphviz, tagged with the Values' ids, panned and zoomed ------------------
export async function renderDot(source) {
  const instance = await viz();
  const svg = instance.renderSVGElement(source);
  for (const group of svg.querySelectorAll("g.node, g.edge")) {
    const title = group.querySelector("title");
    const name = title ? title.textContent : "";
    if (group.classList.contains("node")) {
      group.dataset.valueId = name;
    } else {
      const [from, to] = name.split("->");
      group.dataset.from = from;
      group.dataset.to = to;
    }
    if (title) title.remove(); // the page's own panel explains a node; a tooltip would only repeat its id
  }
  return svg;
}

function panZoom(frame, svg) {
  const box = svg.viewBox.baseVal;
  const home = { x: box.x, y: box.y, width: box.width, height: box.height };
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  const set = (x, y, width, height) => svg.setAttribute("viewBox", `${x} ${y} ${width} ${height}`);
  const zoom = (factor, cx = 0.5, cy = 0.5) => {
    const v = svg.viewBox.baseVal;
    const width = Math.min(Math.max(v.width * factor, home.width / 40), home.width * 4);
    const height = (width / v.width) * v.height;
    set(v.x + (v.width - width) * cx, v.y + (v.height - height) * cy, width, height);
  };
  frame.addEventListener("wheel", (event) => {
    event.preventDefault();
    const rect = svg.getBoundingClientRect();
    zoom(Math.exp(event.deltaY * 0.0015), (event.clientX - rect.left) / rect.width,
         (event.clientY - rect.top) / rect.height);
  }, { passive: false });
  let drag = null, suppress = false;
  frame.addEventListener("pointerdown", (event) => {
    if (event.button === 0) drag = { x: event.clientX, y: event.clientY, moved: false };
  });
  frame.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 4) return; // a click, not yet a drag
    drag.moved = true;
    frame.classList.add("al-dragging");
    const v = svg.viewBox.baseVal, rect = svg.getBoundingClientRect();
    const scale = Math.max(v.width / rect.width, v.height / rect.height);
    set(v.x - dx * scale, v.y - dy * scale, v.width, v.height);
    drag.x = event.clientX;
    drag.y = event.clientY;
  });
  const end = () => {
    if (drag && drag.moved) suppress = true; // the click that ends a drag selects nothing
    drag = null;
    frame.classList.remove("al-dragging");
  };
  frame.addEventListener("pointerup", end);
  frame.addEventListener("pointerleave", end);
  return {
    zoomIn: () => zoom(1 / 1.25), zoomOut: () => zoom(1.25),
    fit: () => set(home.x, home.y, home.width, home.height),
    dragged: () => { const was = suppress; suppress = false; return was; },
  };
}

// ----- the explorer ---------------------------------------------------------------------------------
export function mount(el, initialState, host = {}) {
  let state = initialState;
  let byId = new Map(state.nodes.map((n) => [n.id, n]));
  const options = { order: true, local: false, sizes: false, collapse: false };
  let frame = 0, selected = null, playing = null, svg = null, view = null, drawn = null, drawing = 0;

  const stepLabel = h("span", { class: "al-step-label" });
  const slider = h("input", { type: "range", min: 0, value: 0, step: 1, class: "al-slider",
                               "aria-label": "backward step", oninput: () => goTo(Number(slider.value)) });
  const button = (action, text, title, handler) =>
    h("button", { type: "button", "data-action": action, title, "aria-label": title, onclick: handler }, text);
  const playButton = button("play", "play", "play backward", () => togglePlay());
  const toggle = (key, text, title) => {
    const input = h("input", { type: "checkbox", "data-toggle": key, onchange: () => {
      options[key] = input.checked;
      if (key === "sizes") decorate(); else draw();
    } });
    input.checked = options[key];
    return h("label", { class: "al-toggle", title }, input, text);
  };
  const toggles = {
    order: toggle("order", "order numbers", "prefix each node with #k, its place in backward's order"),
    local: toggle("local", "local derivatives", "label each edge with ∂head/∂tail, its value and its formula"),
    sizes: toggle("sizes", "edges sized by |grad|", "edge width and colour grow with the gradient it carries"),
    collapse: toggle("collapse", "collapse modules", "draw each innermost autograd_lite.scope as one box"),
  };
  const graphPane = h("div", { class: "al-graph", tabindex: 0 });
  const zoomBar = h("div", { class: "al-zoom" },
    button("zoom-in", "+", "zoom in", () => view && view.zoomIn()),
    button("zoom-out", "−", "zoom out", () => view && view.zoomOut()),
    button("fit", "fit", "fit the whole graph", () => view && view.fit()));
  const stepInfo = h("section", { class: "al-step-info" });
  const nodeInfo = h("section", { class: "al-node-info" });
  const note = h("div", { class: "al-note" });
  const error = h("div", { class: "al-error", role: "alert", hidden: true });
  const root = h("div", { class: "al-explorer" },
    h("div", { class: "al-toolbar" },
      h("div", { class: "al-controls" },
        button("first", "|◀", "first step", () => goTo(0)),
        button("prev", "◀ back", "previous step", () => goTo(frame - 1)),
        playButton,
        button("next", "forward ▶", "next step", () => goTo(frame + 1)),
        button("last", "▶|", "last step", () => goTo(state.frames.length - 1)),
        slider, stepLabel),
      h("div", { class: "al-toggles" }, Object.values(toggles))),
    h("div", { class: "al-body" }, h("div", { class: "al-graph-frame" }, graphPane, zoomBar),
      h("aside", { class: "al-panel" }, stepInfo, nodeInfo)),
    error, note);
  el.replaceChildren(root);

  graphPane.addEventListener("click", (event) => {
    if (view && view.dragged()) return;
    const group = event.target.closest("g.node");
    if (!group) return;
    const id = group.dataset.valueId;
    if (byId.has(id)) select(id);
    else showBox(id);
  });
  graphPane.addEventListener("keydown", (event) => {
    if (event.key === "ArrowRight") goTo(frame + 1);
    else if (event.key === "ArrowLeft") goTo(frame - 1);
  });

  function key() {
    const wanted = `${+options.order}${+options.local}${+options.collapse}`;
    return wanted in state.dots ? wanted : `${+options.order}${+options.local}0`;
  }

  async function draw() {
    const which = key();
    const ticket = ++drawing;
    try {
      const picture = await renderDot(state.dots[which]);
      if (ticket !== drawing) return; // a newer drawing was asked for meanwhile
      svg = picture;
      drawn = which;
      graphPane.replaceChildren(svg);
      view = panZoom(graphPane, svg);
      decorate();
      root.dataset.ready = "true";
    } catch (err) {
      showError(`The graph could not be laid out: ${err && err.message ? err.message : err}`);
    }
  }

  function showError(message) {
    error.hidden = !message;
    error.textContent = message || "";
  }

  function boxOf(id) {
    const node = byId.get(id);
    return drawn && drawn.endsWith("1") && node && node.box ? node.box : id;
  }

  function groups(id) {
    return svg ? svg.querySelectorAll(`g.node[data-value-id="${CSS.escape(boxOf(id))}"]`) : [];
  }

  // grads as backward has accumulated them after step `frame`: [text, complete]
  function gradsAt(k) {
    const known = new Map();
    for (let i = 0; i <= k && i < state.frames.length; i++) {
      for (const [id, text, complete] of state.frames[i].updates) known.set(id, [text, complete]);
    }
    return known;
  }

  function decorate() {
    if (!svg) return;
    const current = state.frames[frame];
    const known = gradsAt(frame);
    for (const group of svg.querySelectorAll("g.node")) {
      const node = byId.get(group.dataset.valueId);
      group.classList.remove("al-current", "al-processed", "al-complete", "al-partial", "al-waiting", "al-selected");
      if (!node) continue;
      if (node.id === selected) group.classList.add("al-selected");
      if (node.grad === null || !current) continue;
      const grad = known.get(node.id);
      if (current.node === node.id) group.classList.add("al-current");
      else if (node.step !== null && node.step < frame) group.classList.add("al-processed");
      group.classList.add(!grad ? "al-waiting" : grad[1] ? "al-complete" : "al-partial");
      for (const text of group.querySelectorAll("text")) {
        if (!text.dataset.final && text.textContent.startsWith("grad ")) text.dataset.final = text.textContent;
        if (text.dataset.final) {
          text.textContent = !grad ? "grad ?" : grad[1] ? `grad ${grad[0]}` : `grad so far ${grad[0]}`;
        }
      }
    }
    for (const edge of svg.querySelectorAll("g.edge")) {
      edge.classList.toggle("al-flow", Boolean(current && edge.dataset.to === boxOf(current.node) &&
        current.flows.some((f) => boxOf(f.to) === edge.dataset.from)));
      edge.style.removeProperty("--al-width");
      edge.style.removeProperty("--al-colour");
      edge.classList.remove("al-sized", "al-sized-zero");
    }
    if (options.sizes) {
      const seen = new Map();
      for (const e of state.edges) {
        const from = boxOf(e.from), to = boxOf(e.to);
        if (from === to || from !== e.from || to !== e.to) continue; // inside or across a collapsed box
        const matches = svg.querySelectorAll(`g.edge[data-from="${CSS.escape(from)}"][data-to="${CSS.escape(to)}"]`);
        const k = `${from}->${to}`;
        const n = seen.get(k) || 0;
        seen.set(k, n + 1);
        const edge = matches[Math.min(n, matches.length - 1)];
        if (!edge) continue;
        edge.classList.add(e.dotted ? "al-sized-zero" : "al-sized");
        edge.style.setProperty("--al-width", `${e.width}px`);
        edge.style.setProperty("--al-colour", e.color);
      }
    }
    toggles.collapse.querySelector("input").disabled = !Object.keys(state.dots).some((k) => k.endsWith("1"));
    toggles.collapse.title = state.collapse_note || "draw each innermost autograd_lite.scope as one box";
    showStep();
  }

  function goTo(k) {
    const last = state.frames.length - 1;
    frame = Math.max(0, Math.min(last, Number.isFinite(k) ? k : 0));
    slider.value = String(frame);
    if (playing && frame >= last) togglePlay(false);
    decorate();
    if (selected) showNode(selected);
  }

  function togglePlay(on = !playing) {
    if (playing) clearInterval(playing);
    playing = null;
    if (on) {
      if (frame >= state.frames.length - 1) goTo(0);
      playing = setInterval(() => goTo(frame + 1), 900);
    }
    playButton.textContent = playing ? "pause" : "play";
    playButton.title = playing ? "pause" : "play backward";
  }

  function showStep() {
    const f = state.frames[frame];
    const total = state.frames.length;
    stepLabel.textContent = total ? `step ${frame} of ${total - 1}` : "no backward steps";
    if (!f) {
      stepInfo.replaceChildren(h("h3", { text: "Backward" }),
        h("p", { text: "The root does not require grad, so backward has nothing to do." }));
      return;
    }
    const node = byId.get(f.node);
    const rows = f.flows.map((flow) => h("tr", { "data-to": flow.to },
      h("td", {}, flow.name), h("td", { class: "al-num" }, f.upstream), h("td", {}, "×"),
      h("td", {}, flow.latex ? math(flow.latex, flow.formula) : "", flow.formula ? " = " : "", flow.local),
      h("td", {}, "="), h("td", { class: "al-num al-strong" }, flow.contribution)));
    stepInfo.replaceChildren(
      h("h3", {}, `Backward step ${f.index} `, h("span", { class: "al-dim", text: `(#${f.number})` })),
      h("p", {}, h("button", { type: "button", class: "al-link", onclick: () => select(f.node) }, f.name),
        f.flows.length ? ` has its complete gradient ${f.upstream} and passes it to its inputs, each times the `
          + "local derivative on its edge:" : ` is a ${node && node.kind === "parameter" ? "parameter" : "leaf"}: its `
          + `gradient ${f.upstream} is final (backward adds it to .grad).`),
      f.flows.length ? h("table", { class: "al-flows" },
        h("thead", {}, h("tr", {}, h("th", { text: "to input" }), h("th", { text: "upstream" }), h("th"),
          h("th", { text: "local ∂" }), h("th"), h("th", { text: "contribution" }))),
        h("tbody", {}, rows)) : null,
      h("p", { class: "al-legend" },
        h("span", { class: "al-swatch al-swatch-current" }), "being processed ",
        h("span", { class: "al-swatch al-swatch-complete" }), "gradient complete ",
        h("span", { class: "al-swatch al-swatch-partial" }), "still summing ",
        h("span", { class: "al-swatch al-swatch-waiting" }), "waiting"));
  }

  function showBox(id) {
    const members = state.nodes.filter((n) => n.box === id);
    nodeInfo.replaceChildren(h("h3", { text: id.slice(state.box_prefix.length) }),
      h("p", { text: `${members.length} values collapsed into one box; untick "collapse modules" to see them.` }));
  }

  function select(id) {
    selected = id;
    decorate();
    showNode(id);
  }

  function edgeRows(edges, outgoing) {
    return edges.map((e) => {
      const other = byId.get(outgoing ? e.to : e.from);
      return h("tr", {},
        h("td", {}, h("button", { type: "button", class: "al-link", onclick: () => select(other.id) }, other.name)),
        h("td", {}, math(e.partial_latex, e.partial)),
        h("td", {}, e.carries_grad ? (e.latex ? math(e.latex, e.formula) : "") : h("span", { class: "al-dim",
          text: "no gradient flows" })),
        h("td", { class: "al-num" }, e.carries_grad && e.value !== null ? e.value : ""));
    });
  }

  function showNode(id) {
    const n = byId.get(id);
    if (!n) return;
    const known = gradsAt(frame).get(id);
    const facts = h("dl", { class: "al-facts" },
      h("dt", { text: "kind" }), h("dd", { text: n.kind + (n.scope ? ` · scope ${n.scope}` : "") }),
      n.op ? [h("dt", { text: "op" }), h("dd", { text: n.op })] : null,
      n.formula ? [h("dt", { text: "formula" }), h("dd", {}, n.formula)] : null,
      n.shape ? [h("dt", { text: "shape" }), h("dd", { text: n.shape })] : null,
      h("dt", { text: "data" }), h("dd", { class: "al-node-data al-num", text: n.data }),
      n.grad !== null ? [h("dt", { text: "grad" }), h("dd", { class: "al-node-grad al-num al-strong", text: n.grad })]
        : [h("dt", { text: "grad" }), h("dd", { class: "al-dim", text: "none (does not require grad)" })],
      n.grad !== null && state.frames.length ? [h("dt", { text: `at step ${frame}` }),
        h("dd", { class: "al-num", text: !known ? "not reached yet" : known[1] ? `${known[0]} (complete)`
          : `${known[0]} so far` })] : null);
    const parts = [h("h3", {}, n.name, " ", h("span", { class: `al-badge al-${n.kind}`, text: n.kind }))];
    parts.push(facts);
    if (n.editable) parts.push(editor(n));
    if (n.inputs.length) {
      parts.push(h("h4", { text: "Local derivatives on its input edges" }),
        h("table", { class: "al-edges" }, h("tbody", {}, edgeRows(n.inputs, false))));
    }
    if (n.outputs.length) {
      parts.push(h("h4", { text: "Local derivatives on its outgoing edges" }),
        h("table", { class: "al-edges" }, h("tbody", {}, edgeRows(n.outputs, true))));
    }
    if (n.sum) {
      parts.push(h("h4", { text: "Its gradient by the chain rule" }),
        h("p", { class: "al-dim", text: n.sum.terms.length ? "the sum over its outgoing edges of (the gradient at "
          + "the edge's head) × (the local derivative on the edge):" : "" }),
        math(n.sum.latex, n.sum.text, true));
      if (n.sum.terms.length) {
        parts.push(h("table", { class: "al-terms" },
          h("thead", {}, h("tr", {}, h("th", { text: "from" }), h("th", { text: "upstream" }), h("th"),
            h("th", { text: "local ∂" }), h("th"), h("th", { text: "term" }))),
          h("tbody", {}, n.sum.terms.map((t) => h("tr", { class: "al-term", "data-consumer": t.consumer },
            h("td", {}, t.from), h("td", { class: "al-num" }, t.upstream), h("td", {}, "×"),
            h("td", { class: "al-num" }, t.local), h("td", {}, "="),
            h("td", { class: "al-num al-strong al-term-product" }, t.product ?? "array"))))));
      }
    }
    if (n.explain) {
      parts.push(h("h4", { text: "Every path down to it (explain)" }), math(n.explain.latex, n.explain.text, true),
        h("details", {}, h("summary", { text: "in words" }), h("pre", { text: n.explain.text })));
    }
    nodeInfo.replaceChildren(...parts);
  }

  function editor(n) {
    const live = Boolean(state.live && host.edit);
    const spread = Math.max(1, Math.abs(n.value)) * 2;
    const number = h("input", { type: "number", step: "any", value: String(n.value), disabled: !live,
                                class: "al-edit-number", "aria-label": `new value of ${n.name}` });
    const range = h("input", { type: "range", min: String(n.value - spread), max: String(n.value + spread),
                               step: String(spread / 200), value: String(n.value), disabled: !live,
                               class: "al-edit-range", "aria-label": `slide the value of ${n.name}` });
    const send = (value) => {
      if (!live || !Number.isFinite(value)) return;
      showError("");
      host.edit(n.id, value);
    };
    number.addEventListener("change", () => send(Number(number.value)));
    range.addEventListener("input", () => { number.value = range.value; send(Number(range.value)); });
    return h("div", { class: "al-editor" }, h("h4", { text: "Change it" }), number, range,
      h("p", { class: "al-dim", text: live ? "every value and gradient is recomputed by replaying the graph"
        : "live editing needs a running Python kernel (see the note below)" }));
  }

  function update(next) {
    const same = Object.keys(next.dots).join() === Object.keys(state.dots).join();
    state = next;
    byId = new Map(state.nodes.map((n) => [n.id, n]));
    slider.max = String(Math.max(0, state.frames.length - 1));
    frame = Math.min(frame, Math.max(0, state.frames.length - 1));
    note.textContent = state.note || "";
    note.hidden = !state.note;
    if (!same) toggles.collapse.querySelector("input").checked = options.collapse = false;
    draw().then(() => { if (selected && byId.has(selected)) showNode(selected); });
  }

  update(state);
  if (host.onState) host.onState(update);
  if (host.onError) host.onError(showError);
  nodeInfo.replaceChildren(h("h3", { text: "Click a node" }),
    h("p", { text: "Its data, its gradient, the local derivative on each of its edges and the chain-rule sum "
      + "that makes its gradient appear here. Drag to pan, scroll to zoom." }));
  const stop = () => togglePlay(false);
  return { goTo, select, update, stop, get frame() { return frame; } };
}

// anywidget's entry point: the state comes from Python, edits go back to it.
function render({ model, el }) {
  const explorer = mount(el, model.get("state"), {
    edit: (id, value) => model.send({ type: "edit", id, value }),
    onState: (callback) => model.on("change:state", () => callback(model.get("state"))),
    onError: (callback) => model.on("msg:custom", (message) => {
      if (message && message.type === "error") callback(message.message);
    }),
  });
  return () => explorer.stop();
}

export default { render };
