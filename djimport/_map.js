// djimport's pipeline map: the schemas' overview, pan and zoom, find and filter tables, a panel per table, links.
// Names and comments are data: they are written with textContent only, never as markup.
"use strict";
(() => {
  const data = JSON.parse(document.getElementById("map-data").textContent);
  const tables = new Map(Object.entries(data.tables));
  const map = document.getElementById("map");
  const panel = document.getElementById("panel");
  const search = document.getElementById("search");
  const results = document.getElementById("results");
  const filter = document.getElementById("filter");
  const filtered = document.getElementById("filtered");
  const back = document.getElementById("back");
  const detail = document.querySelector("#tables svg");
  const overview = document.querySelector("#overview svg");

  // Graphviz titles each node with its id (schema.table, or the schema's in the overview) and each edge
  // "parent->child".
  const titled = (svg, selector) => [...svg.querySelectorAll(selector)].map((g) => [g.querySelector("title").textContent, g]);
  const nodes = new Map(titled(detail, "g.node").filter(([id]) => tables.has(id)));
  const edges = new Map();
  for (const [key, g] of titled(detail, "g.edge")) {
    if (!edges.has(key)) edges.set(key, []);
    edges.get(key).push(g);
  }
  const schemaNodes = overview ? new Map(titled(overview, "g.node").map(([id, g]) => [data.schemas[id], g])) : new Map();
  const shown = (ids) => ids.filter((id) => nodes.has(id));

  // neato puts an edge's count at the middle of the edge, where another may be: each count that would overlap
  // a label moves along its edge to the first free place, or is left out where there is none (hundreds of
  // schemas); the edge's tooltip says it (the labels' boxes are in the drawing's units).
  if (overview) {
    const boxOf = (texts) => {
      const rs = texts.map((t) => t.getBBox());
      return { l: Math.min(...rs.map((r) => r.x)), t: Math.min(...rs.map((r) => r.y)),
        r: Math.max(...rs.map((r) => r.x + r.width)), b: Math.max(...rs.map((r) => r.y + r.height)) };
    };
    const overlap = (a, b) => a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b;
    const placed = [...overview.querySelectorAll("g.node")].map((g) => boxOf([...g.querySelectorAll("text")]));
    for (const g of overview.querySelectorAll("g.edge")) {
      const text = g.querySelector("text"), path = g.querySelector("path"), title = g.querySelector("title");
      if (!text || !path) continue;
      const [parent, child] = title.textContent.split("->").map((id) => data.schemas[id]);
      title.textContent = `${parent} \u2192 ${child}: ${text.textContent} foreign key${text.textContent === "1" ? "" : "s"}`;
      const length = path.getTotalLength();
      let box = boxOf([text]);
      const offset = +text.getAttribute("y") - (box.t + box.b) / 2; // from the text's middle to its baseline
      for (const at of [0.4, 0.6, 0.3, 0.7, 0.2, 0.8, null]) {
        if (!placed.some((other) => overlap(box, other))) break;
        if (at === null) {
          text.remove();
          break;
        }
        const p = path.getPointAtLength(length * at);
        text.setAttribute("x", p.x);
        text.setAttribute("y", p.y + offset);
        box = boxOf([text]);
      }
      if (text.isConnected) placed.push(box);
    }
  }
  const nameOf = (id) => `${tables.get(id).schema}.${tables.get(id).class}`;
  // A link's name: schema.Class or schema.sql_name selects a table, a schema's name opens it.
  const byName = new Map();
  for (const id of nodes.keys()) byName.set(`${tables.get(id).schema}.${tables.get(id).table}`, id);
  for (const id of nodes.keys()) byName.set(nameOf(id), id);

  // Pan and zoom: a view is the viewBox of one of the page's SVGs (the overview's or the tables').
  function viewOf(svg) {
    const box = svg.viewBox.baseVal;
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    const home = { x: box.x, y: box.y, w: box.width, h: box.height };
    return { svg, home, box: { ...home }, drawn: { ...home }, settle: 0 };
  }
  const views = { tables: viewOf(detail), overview: overview && viewOf(overview) };
  let current = views.overview || views.tables;
  // Where view box v puts the drawing in its frame (the SVG's "meet", centred): screen pixels per diagram unit,
  // and the screen position of the diagram's origin.
  function placement(view, v) {
    const r = view.svg.parentElement.getBoundingClientRect();
    const s = Math.min(r.width / v.w, r.height / v.h);
    return { s, x: r.left + (r.width - v.w * s) / 2 - v.x * s, y: r.top + (r.height - v.h * s) / 2 - v.y * s, r };
  }
  const scale = () => placement(current, current.box).s;
  const toDiagram = (clientX, clientY) => {
    const m = placement(current, current.box);
    return { x: (clientX - m.x) / m.s, y: (clientY - m.y) / m.s };
  };
  // Schema names stay readable when zoomed out: they are the landmarks of a map too big to read.
  const schemaLabels = [...detail.querySelectorAll("g.cluster > text")].map((text) => [text, +text.getAttribute("font-size")]);
  let sized = null; // the scale the labels were sized for: a pan keeps it, and need not lay out text again
  const sizeSchemaLabels = () => {
    if (current !== views.tables || scale() === sized) return;
    sized = scale();
    for (const [text, size] of schemaLabels) text.setAttribute("font-size", Math.max(size, 12 / sized).toFixed(1));
  };
  // A step of pan or zoom moves the drawing as drawn, by a CSS transform (1,000 tables are not drawn again for
  // each step); once the steps pause, the view box takes the view and the drawing is drawn sharp at its scale.
  function show(v) {
    const view = current, from = placement(view, view.drawn), to = placement(view, v), k = to.s / from.s;
    view.box = v;
    const e = to.x - from.r.left + k * (from.r.left - from.x), f = to.y - from.r.top + k * (from.r.top - from.y);
    view.svg.style.transform = `matrix(${k}, 0, 0, ${k}, ${e}, ${f})`;
    clearTimeout(view.settle);
    view.settle = setTimeout(() => settle(view), 150);
  }
  function settle(view) {
    clearTimeout(view.settle);
    view.drawn = { ...view.box };
    view.svg.setAttribute("viewBox", `${view.box.x} ${view.box.y} ${view.box.w} ${view.box.h}`);
    view.svg.style.transform = "";
    sizeSchemaLabels();
  }
  const jump = (v) => { // a view to go to at once (a table or schema opened)
    show(v);
    settle(current);
  };
  function use(view) {
    current = view;
    document.getElementById("overview")?.toggleAttribute("hidden", view !== views.overview);
    document.getElementById("tables").hidden = view !== views.tables;
    back.hidden = !views.overview || view === views.overview;
    sizeSchemaLabels();
  }
  use(current);
  addEventListener("resize", sizeSchemaLabels);
  const zoom = (factor, at) => {
    const v = current.box, home = current.home;
    const w = Math.min(Math.max(v.w * factor, 40), home.w * 4);
    const f = w / v.w;
    show({ x: at.x - (at.x - v.x) * f, y: at.y - (at.y - v.y) * f, w, h: v.h * f });
  };
  const centre = () => ({ x: current.box.x + current.box.w / 2, y: current.box.y + current.box.h / 2 });
  const fit = () => show({ ...current.home });

  // The wheel zooms only a map that has the focus (a click gives it), or with Ctrl: otherwise it scrolls the
  // page around the map (a notebook).
  map.addEventListener("wheel", (event) => {
    if (!event.ctrlKey && !map.contains(document.activeElement)) return;
    event.preventDefault();
    zoom(Math.exp(event.deltaY * (event.deltaMode ? 0.05 : 0.0015)), toDiagram(event.clientX, event.clientY));
  }, { passive: false });

  // The node under a click: the one drawn there, else the nearest within a few pixels (a node zoomed out
  // to a dot is still hit).
  function nodeAt(x, y) {
    const target = document.elementFromPoint(x, y);
    const hit = target && target.closest("g.node");
    if (hit && current.svg.contains(hit)) return hit;
    let best = null, nearest = 8;
    for (const g of current.svg.querySelectorAll("g.node")) {
      const r = g.getBoundingClientRect();
      const d = Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
      if (d < nearest) [best, nearest] = [g, d];
    }
    return best;
  }

  let drag = null;
  map.addEventListener("pointerdown", (event) => {
    if (event.button !== 0 || event.target.closest("#legend")) return;
    map.focus({ preventScroll: true });
    drag = { x: event.clientX, y: event.clientY, moved: false };
    map.setPointerCapture(event.pointerId);
  });
  map.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 4) return;
    drag.moved = true; // the cursor stays: it is inherited, and changing it restyles every table (35 ms at 1,000)
    const s = scale();
    show({ ...current.box, x: current.box.x - dx / s, y: current.box.y - dy / s });
    drag.x = event.clientX;
    drag.y = event.clientY;
  });
  map.addEventListener("pointerup", (event) => {
    const clicked = drag && !drag.moved;
    drag = null;
    if (!clicked) return;
    const node = nodeAt(event.clientX, event.clientY); // captured pointer events target the map
    if (!node) return;
    const id = node.querySelector("title").textContent;
    navigate(current === views.overview ? data.schemas[id] : nameOf(id), false);
  });
  document.getElementById("zoom-in").addEventListener("click", () => zoom(1 / 1.5, centre()));
  document.getElementById("zoom-out").addEventListener("click", () => zoom(1.5, centre()));
  document.getElementById("fit").addEventListener("click", fit);
  back.addEventListener("click", () => navigate("", false));
  for (const [schema, g] of schemaNodes) {
    g.setAttribute("tabindex", "0");
    g.setAttribute("role", "button");
    g.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        navigate(schema, false);
      }
    });
  }

  // Links: the URL's fragment names what is shown (schema.Class selected, a schema opened, nothing: the
  // overview); going somewhere is a step in the browser's history. A notebook's frame (about:srcdoc) has no
  // URL of its own to change: there the page only goes.
  const linkable = location.protocol !== "about:";
  const named = () => decodeURIComponent(location.hash.slice(1));
  function navigate(name, reveal) {
    if (linkable && named() !== name) {
      history.pushState(null, "", name ? `#${encodeURIComponent(name)}` : location.pathname + location.search);
    }
    route(name, reveal);
  }
  function route(name, reveal) {
    if (byName.has(name)) {
      select(byName.get(name), reveal);
    } else if (schemaNodes.has(name)) {
      unselect();
      openSchema(name);
    } else {
      unselect();
      if (views.overview) use(views.overview);
    }
  }
  addEventListener("popstate", () => route(named(), true)); // Back, Forward, and an address typed (#...)

  // A schema of the overview opened in place: the tables' map, zoomed to that schema's tables.
  function openSchema(schema) {
    use(views.tables);
    jump({ ...current.home });
    const boxes = [...nodes].filter(([id]) => tables.get(id).schema === schema).map(([, g]) => g.getBoundingClientRect());
    const a = toDiagram(Math.min(...boxes.map((r) => r.left)), Math.min(...boxes.map((r) => r.top)));
    const b = toDiagram(Math.max(...boxes.map((r) => r.right)), Math.max(...boxes.map((r) => r.bottom)));
    const margin = 30;
    jump({ x: a.x - margin, y: a.y - margin, w: b.x - a.x + 2 * margin, h: b.y - a.y + 2 * margin });
  }

  // Selecting a table: highlight it and its links, show its panel, and bring it into view if asked.
  let selected = null;
  const clearHighlight = () => {
    for (const g of detail.querySelectorAll(".selected, .neighbor, .related")) g.classList.remove("selected", "neighbor", "related");
  };
  function select(id, bringIntoView) {
    if (current !== views.tables) {
      use(views.tables);
      bringIntoView = true;
    }
    clearHighlight();
    selected = id;
    const table = tables.get(id);
    nodes.get(id).classList.add("selected");
    for (const other of shown(table.parents)) {
      nodes.get(other).classList.add("neighbor");
      for (const g of edges.get(`${other}->${id}`) || []) g.classList.add("related");
    }
    for (const other of shown(table.children)) {
      nodes.get(other).classList.add("neighbor");
      for (const g of edges.get(`${id}->${other}`) || []) g.classList.add("related");
    }
    fillPanel(table);
    if (bringIntoView) reveal(nodes.get(id));
  }

  function reveal(node) {
    const r = node.getBoundingClientRect();
    const middle = toDiagram(r.left + r.width / 2, r.top + r.height / 2);
    const s = Math.max(scale(), 1.2); // zoomed out: come close enough to read the names
    const w = map.clientWidth / s, h = map.clientHeight / s;
    jump({ x: middle.x - w / 2, y: middle.y - h / 2, w, h });
  }

  const element = (tag, text, className) => {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (className) e.className = className;
    return e;
  };
  // A name that may break only after a dot or underscore, or between the words of a CamelCase name.
  const name = (tag, text, className) => {
    const e = element(tag, undefined, className);
    for (const piece of text.split(/(?<=[._])|(?<=[a-z0-9])(?=[A-Z])/)) e.append(piece, element("wbr"));
    e.lastChild?.remove();
    return e;
  };

  function links(title, ids, from) {
    const section = [element("h3", `${title} (${ids.length})`)];
    const list = element("ul", undefined, "links");
    for (const id of ids) {
      const other = tables.get(id);
      // A button, not an <a href>: the page has no attribute made of a name (its link is the URL's fragment).
      const link = name("button", other.class);
      link.title = `${other.schema}.${other.table}`;
      if (other.schema !== from.schema) link.append(" ", name("small", other.schema));
      link.addEventListener("click", () => navigate(nameOf(id), true));
      const item = element("li");
      item.append(link);
      list.append(item);
    }
    if (ids.length) section.push(list);
    return section;
  }

  function fillPanel(table) {
    const close = element("button", "\u00d7", "close");
    close.title = "Close (Esc)";
    close.addEventListener("click", () => navigate(views.overview ? table.schema : "", false));
    const facts = element("dl");
    for (const [term, value] of [["schema", table.schema], ["table", table.table], ["tier", table.tier || "none"]]) {
      facts.append(element("dt", term), name("dd", value));
    }
    const attributes = element("table", undefined, "attributes");
    const key = table.attributes.filter((a) => a[3]), rest = table.attributes.filter((a) => !a[3]);
    for (const [group, rows] of [["primary key", key], ["attributes", rest]]) {
      const head = element("tr", undefined, "group");
      const cell = element("th", group);
      cell.colSpan = 4;
      head.append(cell);
      attributes.append(head);
      for (const [column, type, comment, , nullable, given] of rows) {
        const row = element("tr");
        const value = [nullable ? "nullable" : "", given === null ? "" : `= ${given}`].filter(Boolean).join(" ");
        row.append(name("td", column, "name"), element("td", type, "type"), element("td", value, "default"),
          element("td", comment, "comment"));
        attributes.append(row);
      }
    }
    const indexes = element("ul", undefined, "indexes");
    for (const [columns, unique] of table.indexes) indexes.append(element("li", `${unique ? "unique " : ""}index (${columns.join(", ")})`));
    const written = element("details", undefined, "definition");
    written.open = true;
    written.append(element("summary", "Definition"), element("pre", table.definition));
    panel.replaceChildren(
      close, name("h2", table.class),
      element("p", table.comment, "comment"),
      facts,
      element("code", table.import, "import"),
      attributes,
      ...(table.indexes.length ? [element("h3", `Indexes (${table.indexes.length})`), indexes] : []),
      written,
      ...links("Parents", shown(table.parents), table),
      ...links("Children", shown(table.children), table),
    );
    panel.hidden = false;
  }

  function unselect() {
    clearHighlight();
    selected = null;
    panel.hidden = true;
  }

  // Search: names (class, SQL, schema-qualified), then column names, then table comments, then names one
  // letter off (a letter missing, extra, wrong or two swapped).
  const index = [...nodes.keys()].map((id) => {
    const t = tables.get(id);
    const names = [t.class, t.table, `${t.schema}.${t.table}`, `${t.schema}.${t.class}`].map((n) => n.toLowerCase());
    return { id, t, names, columns: t.attributes.map((a) => a[0]), comment: t.comment.toLowerCase() };
  });
  function oneOff(a, b) {
    if (Math.abs(a.length - b.length) > 1) return false;
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    return a.slice(i + 1) === b.slice(i + 1) || a.slice(i + 1) === b.slice(i) || a.slice(i) === b.slice(i + 1)
      || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  }
  const nearly = (q, n) => oneOff(q, n) || (n.length > q.length && oneOff(q, n.slice(0, q.length)));
  function match(entry, q) {
    const { names, columns, comment } = entry;
    if (names.includes(q)) return [0, ""];
    if (names.some((n) => n.startsWith(q))) return [1, ""];
    if (names.some((n) => n.includes(q))) return [2, ""];
    const column = columns.find((c) => c.toLowerCase().includes(q));
    if (column !== undefined) return [3, `column ${column}`];
    if (comment.includes(q)) return [4, "comment"];
    if (q.length < 4) return null;
    if (names.slice(0, 2).some((n) => nearly(q, n))) return [5, "name, one letter off"];
    const near = columns.find((c) => nearly(q, c.toLowerCase()));
    return near === undefined ? null : [6, `column ${near}, one letter off`];
  }
  let found = [], active = 0;
  function find(text) {
    const q = text.trim().toLowerCase();
    if (!q) return [];
    const hits = [];
    for (const entry of index) {
      const m = match(entry, q);
      if (m) hits.push({ ...entry, rank: m[0], why: m[1] });
    }
    return hits.sort((a, b) => a.rank - b.rank || a.t.class.localeCompare(b.t.class)).slice(0, 50);
  }
  function listResults() {
    const items = found.map(({ id, t, why }, i) => {
      const item = element("li", t.class, i === active ? "active" : "");
      item.append(" ", element("small", `${t.schema}.${t.table}`));
      if (why) item.append(" ", element("span", why, "why")); // what matched, when not the name
      item.addEventListener("mousedown", (event) => {
        event.preventDefault(); // keep the focus in the box
        choose(id);
      });
      return item;
    });
    const empty = !found.length && search.value.trim();
    results.replaceChildren(...items, ...(empty ? [element("li", `No table matches \u201c${search.value.trim()}\u201d`, "none")] : []));
    results.hidden = !items.length && !empty;
  }
  function choose(id) {
    results.hidden = true;
    navigate(nameOf(id), true);
  }
  search.addEventListener("input", () => {
    found = find(search.value);
    active = 0;
    listResults();
  });
  search.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (found.length) active = (active + (event.key === "ArrowDown" ? 1 : found.length - 1)) % found.length;
      listResults();
    } else if (event.key === "Enter" && found.length) {
      choose(found[active].id);
    } else if (event.key === "Escape") {
      results.hidden = true;
      search.blur();
    }
  });
  search.addEventListener("blur", () => { results.hidden = true; });

  // The filter, in dbt's selection syntax: "+Session+" is Session with its ancestors and descendants ("2+x": two
  // generations up), "ephys.*" the tables whose names match; words are joined. Everything else is dimmed.
  const pattern = (selector) => new RegExp(`^${selector.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
  function reach(start, links, depth) {
    const found = new Set();
    let frontier = [start];
    for (let step = 0; step < depth && frontier.length; step++) {
      frontier = frontier.flatMap((id) => shown(tables.get(id)[links])).filter((id) => !found.has(id));
      frontier.forEach((id) => found.add(id));
    }
    return found;
  }
  function selectTables(text) {
    const chosen = new Set();
    for (const word of text.trim().split(/\s+/)) {
      const [, up, selector, down] = word.match(/^(\d*\+)?(.*?)(\+\d*)?$/);
      const re = pattern(selector);
      for (const { id, t } of index) {
        if (![t.schema, t.class, t.table, `${t.schema}.${t.class}`, `${t.schema}.${t.table}`].some((n) => re.test(n))) continue;
        chosen.add(id);
        if (up) reach(id, "parents", +up.slice(0, -1) || Infinity).forEach((other) => chosen.add(other));
        if (down) reach(id, "children", +down.slice(1) || Infinity).forEach((other) => chosen.add(other));
      }
    }
    return chosen;
  }
  filter.addEventListener("input", () => {
    const active = filter.value.trim() !== "";
    const chosen = active ? selectTables(filter.value) : new Set(nodes.keys());
    for (const [id, g] of nodes) g.classList.toggle("dimmed", !chosen.has(id));
    for (const [key, gs] of edges) {
      const [parent, child] = key.split("->");
      for (const g of gs) g.classList.toggle("dimmed", !(chosen.has(parent) && chosen.has(child)));
    }
    const schemas = new Set([...chosen].map((id) => tables.get(id).schema));
    for (const [schema, g] of schemaNodes) g.classList.toggle("dimmed", !schemas.has(schema));
    filtered.textContent = !active ? "" : chosen.size ? `${chosen.size} of ${nodes.size} tables` : "no table matches";
  });

  // Keys: "/" to search, + and - to zoom, F to fit, Esc to close the panel, then to go back to the schemas.
  document.addEventListener("keydown", (event) => {
    if (event.target === search || event.target === filter || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "/") {
      event.preventDefault();
      search.focus();
    } else if (event.key === "+" || event.key === "=") {
      zoom(1 / 1.5, centre());
    } else if (event.key === "-" || event.key === "\u2212") {
      zoom(1.5, centre());
    } else if (event.key === "f" || event.key === "F") {
      fit();
    } else if (event.key === "Escape" && selected) {
      navigate(views.overview ? tables.get(selected).schema : "", false);
    } else if (event.key === "Escape" && current !== views.overview && views.overview) {
      navigate("", false);
    }
  });

  // Opening: the table or schema the URL names, else the table the map was drawn around.
  if (location.hash || !data.focus || !nodes.has(data.focus)) {
    route(named(), true);
  } else {
    if (linkable) history.replaceState(null, "", `#${encodeURIComponent(nameOf(data.focus))}`);
    route(nameOf(data.focus), true);
  }
})();
